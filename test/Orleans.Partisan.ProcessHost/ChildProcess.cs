using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// A program of this repository run with <c>dotnet exec</c> in a process of its own: its standard output read
/// line by line so that a test can await a line, its standard error kept for failure messages; killed when
/// disposed.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Linux's SIGTERM: stop gracefully.</summary>
    public const int SigTerm = 15;

    /// <summary>Linux's SIGCONT: resume a stopped process.</summary>
    public const int SigCont = 18;

    /// <summary>Linux's SIGSTOP: stop the process where it is, sockets open (it cannot be caught).</summary>
    public const int SigStop = 19;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private bool _outputEnded;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>The name the parent gave it (for messages).</summary>
    public string Name { get; }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's id of the process (the benchmark reads its CPU time).</summary>
    public int Id => _process.Id;

    /// <summary>Its exit code once it has exited (137 for SIGKILL, as a shell reports it), otherwise <see langword="null"/>.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The lines it printed so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The lines of its standard error so far (its log).</summary>
    public IReadOnlyCollection<string> ErrorLines => _errors;

    /// <summary>
    /// Starts the assembly <paramref name="assemblyPath"/> with <paramref name="arguments"/> and the extra
    /// <paramref name="environment"/> variables, in the network namespace <paramref name="networkNamespace"/> if one
    /// is given (through <c>ip netns exec</c>, which then runs <c>dotnet</c> in its own place, so killing the process
    /// kills the program).
    /// </summary>
    public static ChildProcess Start(string name, string assemblyPath, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? networkNamespace = null)
    {
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
        start.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child._errors.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Waits for a line (printed from now on or earlier) matching <paramref name="match"/>; fails naming
    /// <paramref name="expected"/> and what the process printed if it exits or takes longer than <paramref name="timeout"/>.
    /// </summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string expected) => WaitForLineAsync(match, timeout, expected, skip: 0);

    /// <summary>
    /// As <see cref="WaitForLineAsync(Func{string, bool}, TimeSpan, string)"/>, ignoring the first <paramref name="skip"/>
    /// lines (those printed before a command was written, say: <see cref="Lines"/>' count then).
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string expected, int skip)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (_lines.Skip(skip).FirstOrDefault(match) is { } seen)
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

    /// <summary>Sends <paramref name="signal"/> (<see cref="SigTerm"/>, <see cref="SigStop"/>, <see cref="SigCont"/>) to the process; Linux only.</summary>
    /// <exception cref="Win32Exception">The signal could not be sent (the process is gone, say).</exception>
    public void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"Could not send signal {signal} to {Name} (pid {_process.Id}).");
        }
    }

    /// <summary>Writes <paramref name="line"/> to its standard input (a silo process reads commands there, see <c>HostCommands</c>).</summary>
    public void WriteLine(string line)
    {
        lock (_process)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
    }

    /// <summary>Closes its standard input (a silo process stops gracefully then), and waits for it to exit.</summary>
    public async Task CloseInputAndWaitAsync(TimeSpan timeout)
    {
        _process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    /// <summary>How it ended, the last lines of its standard error and what it printed, for a failure message.</summary>
    public string Describe() => $"{Name}: {DescribeEnd()}; printed [{string.Join(" | ", _lines)}]";

    /// <summary>How it ended (its exit code, or that it still runs) and the last <paramref name="lines"/> lines of its standard error: why it stopped, for a failure message.</summary>
    public string DescribeEnd(int lines = 15) => $"{(ExitCode is { } code ? $"exit code {code}" : "still running")}; standard error tail [{string.Join(" | ", _errors.TakeLast(lines))}]";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A stopped process dies of SIGKILL too; resume it first anyway, so nothing is left stopped if the kill fails.
            SendSignal(_process.Id, SigCont);
            Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private void OnLine(string? line)
    {
        if (line is not null)
        {
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
