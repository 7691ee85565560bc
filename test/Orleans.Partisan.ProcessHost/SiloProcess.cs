using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// A silo running this program in a process of its own (a <see cref="ChildProcess"/>), driven by a parent
/// (the process tests, the benchmark): it prints <c>READY &lt;silo address&gt;</c> and <c>STATUS</c> lines, is
/// killed with SIGKILL, frozen with SIGSTOP, or stopped by closing its standard input or with SIGTERM.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "READY ";
    private readonly ChildProcess _process;

    private SiloProcess(ChildProcess process, int siloPort, int gatewayPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The name the parent gave it (for messages).</summary>
    public string Name => _process.Name;

    /// <summary>Its Orleans silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>Its Orleans gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>Its silo address (<c>SiloAddress.ToParsableString()</c>), once it printed READY.</summary>
    public string? SiloAddress => _process.Lines.FirstOrDefault(l => l.StartsWith(ReadyPrefix, StringComparison.Ordinal))?[ReadyPrefix.Length..];

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's id of the process (the benchmark reads its CPU time).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The protocol lines it printed so far.</summary>
    public IReadOnlyCollection<string> Lines => _process.Lines;

    /// <summary>Its log so far (standard error).</summary>
    public IReadOnlyCollection<string> LogLines => _process.ErrorLines;

    /// <summary>
    /// Starts a silo with <paramref name="settings"/> as <c>--Key value</c> pairs and the given ports (free
    /// loopback ports when not given), in the network namespace <paramref name="networkNamespace"/> if one is given.
    /// </summary>
    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> settings, int? siloPort = null, int? gatewayPort = null, string? networkNamespace = null)
    {
        var ports = (Silo: siloPort ?? FreePort(), Gateway: gatewayPort ?? FreePort());
        var arguments = settings.Append(new("SiloPort", ports.Silo.ToString())).Append(new("GatewayPort", ports.Gateway.ToString()))
            .SelectMany(setting => new[] { $"--{setting.Key}", setting.Value });
        return new SiloProcess(ChildProcess.Start(name, typeof(SiloProcess).Assembly.Location, arguments, networkNamespace: networkNamespace), ports.Silo, ports.Gateway);
    }

    /// <summary>A free loopback port for a silo process to bind seconds from now, reserved against every test process (see <see cref="SafePorts"/>).</summary>
    public static int FreePort() => SafePorts.Take();

    /// <summary>
    /// A free loopback port whose next port is free too (a seed's consensus port and its table-service
    /// port), for a silo process to bind seconds from now, reserved against every test process (see <see cref="SafePorts"/>).
    /// </summary>
    public static int FreePortPair() => SafePorts.TakePair();

    /// <summary>Waits for READY; fails naming the process and its last log lines if it exits or takes longer than <paramref name="timeout"/>.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout) => await WaitForLineAsync(l => l.StartsWith(ReadyPrefix, StringComparison.Ordinal), timeout, "READY");

    /// <summary>Waits for a line (printed from now on or earlier) matching <paramref name="match"/>.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string expected) => _process.WaitForLineAsync(match, timeout, expected);

    /// <summary>As <see cref="WaitForLineAsync(Func{string, bool}, TimeSpan, string)"/>, ignoring the first <paramref name="skip"/> lines.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string expected, int skip) => _process.WaitForLineAsync(match, timeout, expected, skip);

    /// <summary>
    /// Writes the command <c>&lt;command&gt; &lt;tag&gt;</c> to the silo (see <c>HostCommands</c>) and waits for its answer: the
    /// first line printed after the command that starts with <c>&lt;command&gt; &lt;tag&gt; </c>, or <c>FAILED &lt;tag&gt; </c>, which throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">The silo answered <c>FAILED</c>.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>, or the silo exited.</exception>
    public async Task<string> CommandAsync(string command, string tag, TimeSpan timeout)
    {
        var answer = $"{command} {tag} ";
        var failed = $"FAILED {tag} ";
        var before = _process.Lines.Count;
        _process.WriteLine($"{command} {tag}");
        var line = await _process.WaitForLineAsync(l => l.StartsWith(answer, StringComparison.Ordinal) || l.StartsWith(failed, StringComparison.Ordinal), timeout, $"the answer to {command} {tag}", before);
        return line.StartsWith(failed, StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{Name} failed {command} {tag}: {line[failed.Length..]}")
            : line[answer.Length..];
    }

    /// <summary>Waits until the process exits by itself.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process at once (SIGKILL on Linux): no shutdown code runs.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Stops the process where it is with SIGSTOP: it runs nothing, but its sockets stay open and its kernel still accepts connections.</summary>
    public void Freeze() => _process.Signal(ChildProcess.SigStop);

    /// <summary>Resumes a frozen process (SIGCONT).</summary>
    public void Thaw() => _process.Signal(ChildProcess.SigCont);

    /// <summary>Asks the silo to stop gracefully with SIGTERM, as an orchestrator does; does not wait.</summary>
    public void Terminate() => _process.Signal(ChildProcess.SigTerm);

    /// <summary>Stops the silo gracefully by closing its standard input, and waits for it to exit.</summary>
    public Task StopAsync(TimeSpan timeout) => _process.CloseInputAndWaitAsync(timeout);

    /// <summary>Its exit code once it has exited, otherwise <see langword="null"/>.</summary>
    public int? ExitCode => _process.ExitCode;

    /// <summary>Its protocol lines and the last lines of its log, for a failure message.</summary>
    public string Describe() => _process.Describe();

    /// <summary>How it ended (exit code, or still running) and the last <paramref name="lines"/> lines of its log: why it stopped.</summary>
    public string DescribeEnd(int lines = 15) => _process.DescribeEnd(lines);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
