using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Orleans.Partisan.Dashboard.Tests;

/// <summary>One headless Debian chromium for a test class, driven by Playwright; installs chromium first where it is missing (see <see cref="Chromium"/>).</summary>
public sealed class BrowserFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    private IPlaywright? _playwright;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>What was done to make chromium available, and how long it took.</summary>
    public string Setup { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Setup = await Chromium.EnsureInstalledAsync();
        diagnostics.OnMessage(new DiagnosticMessage($"Dashboard browser tests: {Setup}"));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = Chromium.Arguments,
            Timeout = (float)DashboardHost.Timeout.TotalMilliseconds,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
