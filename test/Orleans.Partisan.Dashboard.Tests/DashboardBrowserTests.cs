using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Orleans.Partisan.Dashboard.Tests;

/// <summary>The page in headless chromium: what it draws of a HyParView overlay, and what it shows when a silo stops.</summary>
public sealed class DashboardBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    /// <summary>Set to a file path to keep the screenshot the test takes (docs/images/dashboard.png is made this way).</summary>
    public const string ScreenshotVariable = "PARTISAN_DASHBOARD_SCREENSHOT";

    private static readonly float Timeout = (float)DashboardHost.Timeout.TotalMilliseconds;

    [Fact]
    public async Task Page_draws_members_active_links_and_the_tree_then_shows_a_stopped_silo_gone_with_its_nodedown()
    {
        output.WriteLine(browser.Setup);
        // Five silos, one of which stops: the screenshot shows the page on the four left, with the log of that stop.
        await using var host = await DashboardHost.StartAsync(
            5,
            o =>
            {
                o.PeerService = PartisanPeerService.HyParView;
                o.HyParView.ActiveViewSize = 2;
                o.HyParView.MinActiveViewSize = 1;
                o.HyParView.ShuffleActiveCount = 1;
                o.HyParView.ShufflePassiveCount = 2;
                o.HyParView.ShuffleInterval = TimeSpan.FromSeconds(1);
            },
            d => d.RefreshInterval = TimeSpan.FromMilliseconds(250));
        var root = await host.BroadcastAsync();
        var nodes = host.NodeNames;
        var page = await browser.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(host.Page.ToString());

        // Members: one graph node and one card per silo.
        await Expect(page.Locator("#status")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        await Expect(page.Locator("#silo-count")).ToHaveTextAsync("5", new() { Timeout = Timeout });
        foreach (var node in nodes)
        {
            await Expect(GraphNode(page, node)).ToHaveCountAsync(1, new() { Timeout = Timeout });
            await Expect(page.Locator($"#silos .silo[data-node=\"{node}\"]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        }

        // Active links: the page draws exactly the active views the silos report.
        await ExpectActiveLinksAsync(page, host);

        // The broadcast tree of the silo that broadcast: selected, its root ringed, its eager links highlighted.
        await Expect(page.Locator("#root")).ToHaveValueAsync(root, new() { Timeout = Timeout });
        await Expect(page.Locator($"g.node.root[data-node=\"{root}\"]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Expect(page.Locator("#overlay line.edge.eager").First).ToBeAttachedAsync(new() { Timeout = Timeout });
        foreach (var (a, b) in await EdgesAsync(page, "#overlay line.edge.eager"))
        {
            Assert.True(nodes.Contains(a) && nodes.Contains(b), $"an eager link {a} - {b} between nodes that are not silos");
        }


        // A silo stops: it leaves the graph and the cards, and the log shows its nodedown.
        var stopping = host.Cluster.GetActiveSilos().Last();
        var gone = stopping.SiloAddress.GetNodeName().Value;
        await host.Cluster.StopSiloAsync(stopping);
        await Expect(GraphNode(page, gone)).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Expect(page.Locator($"#silos .silo[data-node=\"{gone}\"]")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Expect(page.Locator("#silo-count")).ToHaveTextAsync("4", new() { Timeout = Timeout });
        var nodedown = page.Locator($"#events li[data-kind=\"nodedown\"][data-node=\"{gone}\"]").First;
        await Expect(nodedown).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Expect(nodedown).ToContainTextAsync("nodedown", new() { Timeout = Timeout });
        Assert.Empty(await EdgesAsync(page, $"#overlay line.edge[data-from=\"{gone}\"], #overlay line.edge[data-to=\"{gone}\"]"));

        // The overlay heals (HyParView promotes passive nodes) and the page draws the new active views.
        await ExpectActiveLinksAsync(page, host);
        await ScreenshotAsync(page);
    }

    private static Task ExpectActiveLinksAsync(IPage page, DashboardHost host) => Eventually.Until(
        async () => (Drawn: await EdgesAsync(page, "#overlay line.edge.active"), Expected: await ActivePairsAsync(host)),
        seen => seen.Drawn.SetEquals(seen.Expected) && seen.Drawn.Count > 0,
        DashboardHost.Timeout,
        seen => $"the active links drawn [{string.Join("; ", seen.Drawn)}] to be the silos' active views [{string.Join("; ", seen.Expected)}]");

    private static ILocator GraphNode(IPage page, string node) => page.Locator($"svg#overlay g.node[data-node=\"{node}\"]");

    private static async Task<HashSet<(string, string)>> EdgesAsync(IPage page, string selector)
    {
        var pairs = await page.Locator(selector).EvaluateAllAsync<string[][]>("lines => lines.map(l => [l.dataset.from, l.dataset.to])");
        return [.. pairs.Select(p => Pair(p[0], p[1]))];
    }

    private static async Task<HashSet<(string, string)>> ActivePairsAsync(DashboardHost host)
    {
        using var state = JsonDocument.Parse(await host.Http.GetStringAsync("state"));
        return [.. state.RootElement.GetProperty("silos").EnumerateArray()
            .SelectMany(s => StateJson.Strings(s.GetProperty("active")).Select(a => Pair(s.GetProperty("node").GetString()!, a)))];
    }

    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);

    private async Task ScreenshotAsync(IPage page)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', $"the screenshot at {path} is not a PNG image");
        if (Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } keep)
        {
            File.Copy(path, keep, overwrite: true);
            output.WriteLine($"screenshot kept at {keep}");
        }
    }
}
