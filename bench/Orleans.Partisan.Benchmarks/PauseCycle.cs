using System.Diagnostics;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Pauses a silo process again and again: SIGSTOP, a pause, SIGCONT, then a run, until disposed. A stopped process
/// runs no thread at all, a stricter pause than a garbage collection's (which stops managed threads only); the
/// kernel keeps its sockets open and accepting in both. The pauses actually taken are measured, since this process
/// may itself be late to resume the silo on a loaded machine.
/// </summary>
internal sealed class PauseCycle : IAsyncDisposable
{
    private readonly SiloProcess _silo;
    private readonly TimeSpan _pause;
    private readonly TimeSpan _run;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<double> _pauses = [];
    private readonly Task _loop;

    private PauseCycle(SiloProcess silo, TimeSpan pause, TimeSpan run)
    {
        _silo = silo;
        _pause = pause;
        _run = run;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The pauses taken, in seconds.</summary>
    public IReadOnlyList<double> Pauses
    {
        get
        {
            lock (_pauses)
            {
                return [.. _pauses];
            }
        }
    }

    /// <summary>Starts pausing <paramref name="silo"/> for <paramref name="pause"/> after every <paramref name="run"/>.</summary>
    public static PauseCycle Start(SiloProcess silo, TimeSpan pause, TimeSpan run) => new(silo, pause, run);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var watch = new Stopwatch();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_run, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _silo.Freeze();
            watch.Restart();
            try
            {
                // Not cancelled by the stop: a started pause is always ended.
                await Task.Delay(_pause, CancellationToken.None);
            }
            finally
            {
                _silo.Thaw();
                lock (_pauses)
                {
                    _pauses.Add(watch.Elapsed.TotalSeconds);
                }
            }
        }
    }
}
