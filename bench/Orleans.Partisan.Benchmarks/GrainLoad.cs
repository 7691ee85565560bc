using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Grain calls in the background while silos fail: callers that increment counter grains in turn, each call bounded
/// so that one stuck on a frozen or dead silo does not stop its caller; successes and failures are counted.
/// </summary>
internal sealed class GrainLoad : IAsyncDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;
    private long _calls;
    private long _failures;

    private GrainLoad(IReadOnlyList<IProcessCounterGrain> counters, int callers)
        => _callers = [.. Enumerable.Range(0, callers).Select(i => Task.Run(() => CallAsync(counters, callers, i)))];

    /// <summary>Calls that succeeded.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls that failed or took longer than 2 s.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public static GrainLoad Start(IReadOnlyList<IProcessCounterGrain> counters, int callers) => new(counters, callers);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_callers);
        _stop.Dispose();
    }

    private async Task CallAsync(IReadOnlyList<IProcessCounterGrain> counters, int callers, int first)
    {
        for (var next = first; !_stop.IsCancellationRequested; next += callers)
        {
            try
            {
                await counters[next % counters.Count].Increment().WaitAsync(CallTimeout, _stop.Token);
                Interlocked.Increment(ref _calls);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // Timed out, rejected, the silo gone: counted, and the caller goes on.
                Interlocked.Increment(ref _failures);
            }
        }
    }
}
