using System.Diagnostics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>Counts arrivals at a receiver and stamps the time the expected last one arrived.</summary>
public sealed class ArrivalCounter
{
    private long _count;
    private long _target = long.MaxValue;
    private long _endTimestamp;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count => Volatile.Read(ref _count);

    /// <summary>Starts a run that ends when <paramref name="target"/> messages have arrived.</summary>
    public void Arm(long target)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _endTimestamp, 0);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _target, target);
    }

    /// <summary>Stops expecting: later arrivals are counted but end nothing.</summary>
    public void Disarm() => Volatile.Write(ref _target, long.MaxValue);

    public void Increment()
    {
        var count = Interlocked.Increment(ref _count);
        if (count == Volatile.Read(ref _target))
        {
            Volatile.Write(ref _endTimestamp, Stopwatch.GetTimestamp());
            _done.TrySetResult();
        }
    }

    /// <summary>Records that <paramref name="count"/> messages have arrived, as a receiver in another process reports it.</summary>
    public void Reached(long count)
    {
        var seen = Volatile.Read(ref _count);
        while (count > seen && Interlocked.CompareExchange(ref _count, count, seen) is var was && was != seen)
        {
            seen = was;
        }

        if (count >= Volatile.Read(ref _target) && Interlocked.CompareExchange(ref _endTimestamp, Stopwatch.GetTimestamp(), 0) == 0)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>Waits for the armed run's last arrival (bounded) and returns its timestamp.</summary>
    public async Task<long> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _done.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new BenchmarkTimeoutException($"only {Count:N0} of {Volatile.Read(ref _target):N0} messages arrived within {timeout.TotalSeconds:0} s");
        }

        return Volatile.Read(ref _endTimestamp);
    }
}

/// <summary>A measurement did not finish within its bound.</summary>
public sealed class BenchmarkTimeoutException(string message) : Exception(message);
