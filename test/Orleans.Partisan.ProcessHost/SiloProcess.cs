using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// A silo running this program in a process of its own, driven by a parent (the process tests, the
/// benchmark): started with <c>dotnet exec</c>, read line by line, killed with SIGKILL or stopped by closing
/// its standard input.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private bool _outputEnded;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, string name, int siloPort, int gatewayPort)
    {
        _process = process;
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The name the parent gave it (for messages).</summary>
    public string Name { get; }

    /// <summary>Its Orleans silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>Its Orleans gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>Its silo address (<c>SiloAddress.ToParsableString()</c>), once it printed READY.</summary>
    public string? SiloAddress { get; private set; }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The protocol lines it printed so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>
    /// Starts a silo with <paramref name="settings"/> as <c>--Key value</c> pairs and the given ports (free
    /// loopback ports when not given), in the network namespace <paramref name="networkNamespace"/> if one is
    /// given (through <c>ip netns exec</c>, which then runs <c>dotnet</c> in its own place, so killing the process kills the silo).
    /// </summary>
    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> settings, int? siloPort = null, int? gatewayPort = null, string? networkNamespace = null)
    {
        var ports = (Silo: siloPort ?? FreePort(), Gateway: gatewayPort ?? FreePort());
        var start = new ProcessStartInfo(networkNamespace is null ? "dotnet" : "ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (networkNamespace is not null)
        {
            foreach (var argument in new[] { "netns", "exec", networkNamespace, "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(SiloProcess).Assembly.Location);
        foreach (var (key, value) in settings.Append(new("SiloPort", ports.Silo.ToString())).Append(new("GatewayPort", ports.Gateway.ToString())))
        {
            start.ArgumentList.Add($"--{key}");
            start.ArgumentList.Add(value);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, name, ports.Silo, ports.Gateway);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                silo._errors.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>A free loopback port for a silo process to bind seconds from now, reserved against every test process (see <see cref="SafePorts"/>).</summary>
    public static int FreePort() => SafePorts.Take();

    /// <summary>
    /// A free loopback port whose next port is free too (a seed's consensus port and its table-service
    /// port), for a silo process to bind seconds from now, reserved against every test process (see <see cref="SafePorts"/>).
    /// </summary>
    public static int FreePortPair() => SafePorts.TakePair();

    /// <summary>Waits for READY; fails naming the process and its last log lines if it exits or takes longer than <paramref name="timeout"/>.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout) => await WaitForLineAsync(l => l.StartsWith("READY ", StringComparison.Ordinal), timeout, "READY");

    /// <summary>Waits for a line (printed from now on or earlier) matching <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string expected)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (_lines.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            if (Volatile.Read(ref _outputEnded))
            {
                break;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                break;
            }
        }

        throw new TimeoutException($"{Name} did not print {expected} within {timeout} (exited: {HasExited}). {Describe()}");
    }

    /// <summary>Waits until the process exits by itself.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process at once (SIGKILL on Linux): no shutdown code runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Stops the silo gracefully by closing its standard input, and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    /// <summary>Its protocol lines and the last lines of its log, for a failure message.</summary>
    public string Describe() => $"{Name} printed [{string.Join(" | ", _lines)}]; log tail [{string.Join(" | ", _errors.TakeLast(15))}]";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                SiloAddress = line["READY ".Length..];
            }

            _lines.Enqueue(line);
        }
        else
        {
            Volatile.Write(ref _outputEnded, true);
        }

        // Wake every waiter; the end of output (null) wakes them for good once the process has exited.
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
