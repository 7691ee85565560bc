using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.Dashboard.Tests;

/// <summary>
/// Makes Debian's chromium available for the browser tests, since <c>dotnet test</c> does all the set-up: when
/// <see cref="ExecutablePath"/> is missing and the process runs as root on Debian, installs the package <c>chromium</c>
/// once (under a file lock, so that parallel test runs do not collide, within <see cref="InstallTimeout"/>); otherwise
/// fails saying what to install. Playwright's own browser downloads are never used.
/// </summary>
internal static partial class Chromium
{
    /// <summary>Where Debian's package puts the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>How long the install (and the lock before it) may take.</summary>
    public static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The flags the browser needs on a machine whose network is closed: no sandbox (the tests run as root), no GPU, and
    /// none of chromium's own connections (component updates, sync, QUIC, first-run and background requests), which such
    /// a network refuses. Playwright adds <c>--headless</c> and a fresh <c>--user-data-dir</c> of its own to every launch.
    /// </summary>
    public static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private const string LockPath = "/tmp/orleans-partisan-chromium-install.lock";

    /// <summary>Returns once the browser is at <see cref="ExecutablePath"/>, with what was done to get it there.</summary>
    /// <exception cref="InvalidOperationException">It is not there and cannot be installed here; the message says what to install.</exception>
    public static async Task<string> EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath))
        {
            return $"chromium found at {ExecutablePath}";
        }

        if (!OperatingSystem.IsLinux() || !File.Exists("/etc/debian_version") || GetEffectiveUserId() != 0)
        {
            throw new InvalidOperationException(
                $"The dashboard's browser tests drive Debian's chromium at {ExecutablePath}, which is missing. Install it (as root: " +
                "apt-get install -y --no-install-recommends chromium), or run the tests as root on Debian, where they install it themselves.");
        }

        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        using var installLock = await AcquireLockAsync(timeout.Token);
        if (File.Exists(ExecutablePath))
        {
            return $"chromium installed by another test run while this one waited {clock.Elapsed.TotalSeconds:F1} s for the lock";
        }

        var log = new List<string>();
        var installed = await AptGetAsync(log, timeout.Token, "install", "-y", "--no-install-recommends", "chromium");
        if (!installed)
        {
            // A fresh machine may have no package lists yet: read them, then try once more.
            await AptGetAsync(log, timeout.Token, "update");
            installed = await AptGetAsync(log, timeout.Token, "install", "-y", "--no-install-recommends", "chromium");
        }

        if (!installed || !File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Installing Debian's chromium for the dashboard's browser tests failed after {clock.Elapsed.TotalSeconds:F0} s; install it by hand " +
                $"(apt-get install -y --no-install-recommends chromium). apt-get said:\n{string.Join("\n", log.TakeLast(40))}");
        }

        return $"chromium installed with apt-get in {clock.Elapsed.TotalSeconds:F1} s";
    }

    private static async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        // On Linux, .NET takes an exclusive advisory lock (flock) on a file opened with FileShare.None: another process
        // that opens it fails until this one closes it.
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    private static async Task<bool> AptGetAsync(List<string> log, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("apt-get") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("apt-get could not be started.");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"apt-get {string.Join(" ", arguments)} did not finish within {InstallTimeout}; install chromium by hand (apt-get install -y --no-install-recommends chromium).");
        }

        return process.ExitCode == 0;

        void Add(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.Add(line);
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
