using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// Grain calls from the test's client while a test breaks a silo: a few callers, each incrementing the counters in
/// turn, each call bounded so that a call stuck on a frozen or dead silo does not stop its caller.
/// </summary>
internal sealed class GrainTraffic : IAsyncDisposable
{
    private const int Callers = 4;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;
    private long _calls;
    private long _failures;

    private GrainTraffic(IReadOnlyList<IProcessCounterGrain> counters)
        => _callers = [.. Enumerable.Range(0, Callers).Select(i => Task.Run(() => CallAsync(counters, i)))];

    /// <summary>Calls that succeeded so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls that failed or took longer than the call timeout so far.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public static GrainTraffic Start(IReadOnlyList<IProcessCounterGrain> counters) => new(counters);

    /// <summary>Waits until <paramref name="calls"/> calls in all have succeeded; fails after <see cref="ProcessCluster.Timeout"/>.</summary>
    public async Task WaitForCallsAsync(long calls)
    {
        using var deadline = new CancellationTokenSource(ProcessCluster.Timeout);
        while (Calls < calls)
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Only {Calls} of {calls} grain calls succeeded within {ProcessCluster.Timeout} ({Failures} failed).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_callers);
        _stop.Dispose();
    }

    private async Task CallAsync(IReadOnlyList<IProcessCounterGrain> counters, int first)
    {
        for (var next = first; !_stop.IsCancellationRequested; next += Callers)
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
