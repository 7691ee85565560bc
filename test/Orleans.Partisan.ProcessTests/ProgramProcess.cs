using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// A program of this repository (an assembly copied beside the tests) run with <c>dotnet exec</c> in a process of
/// its own, its standard output read line by line so that a test can await a line; killed when disposed.
/// </summary>
internal sealed class ProgramProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private bool _outputEnded;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ProgramProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>The name the test gave it (for messages).</summary>
    public string Name { get; }

    /// <summary>
    /// Starts <paramref name="assembly"/> (a file name beside the tests) with <paramref name="arguments"/> and the
    /// extra <paramref name="environment"/> variables.
    /// </summary>
    public static ProgramProcess Start(string name, string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var program = new ProgramProcess(process, name);
        process.OutputDataReceived += (_, e) => program.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                program._errors.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>Waits for a line (printed from now on or earlier) matching <paramref name="match"/>; fails naming <paramref name="expected"/> and what the process printed.</summary>
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

        throw new TimeoutException($"{Name} did not print {expected} within {timeout} (exited: {_process.HasExited}). {Describe()}");
    }

    /// <summary>What it printed, and the last lines of its standard error, for a failure message.</summary>
    public string Describe() => $"{Name} printed [{string.Join(" | ", _lines)}]; standard error tail [{string.Join(" | ", _errors.TakeLast(15))}]";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

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

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
