namespace Orleans.Partisan.Membership;

/// <summary>
/// Whether this process has lately run late: a timer that should tick every <see cref="Interval"/> on the thread pool
/// records when a tick came at least a threshold later than due (the cores were busy with other processes, the thread
/// pool was starved, or a garbage collection paused it). The failure detector asks it whether a dial that got no answer
/// in time may be its own process's fault, or the machine's, rather than the dialled silo's.
/// </summary>
internal sealed class SchedulingLag(TimeProvider time, TimeSpan threshold) : IDisposable
{
    /// <summary>How often the timer should tick.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private ITimer? _timer;

    // Timestamps (of time): the last tick, and the last tick that came late (zero: none yet).
    private long _lastTick;
    private long _lastLate;

    /// <summary>How late a tick must be to count.</summary>
    public TimeSpan Threshold => threshold;

    /// <summary>Called, on the timer's thread, with how late a tick came when it came <see cref="Threshold"/> or more late; it must not block.</summary>
    public Action<TimeSpan>? Late { get; init; }

    /// <summary>Starts the timer.</summary>
    public void Start()
    {
        OnTick(time.GetTimestamp());
        _timer = time.CreateTimer(static state => ((SchedulingLag)state!).OnTick(), this, Interval, Interval);
    }

    /// <summary>Records a tick at the timestamp <paramref name="now"/>: late if it came <see cref="Threshold"/> or more after it was due.</summary>
    internal void OnTick(long now)
    {
        var last = Interlocked.Exchange(ref _lastTick, now);
        if (last != 0 && time.GetElapsedTime(last, now) - Interval is var late && late >= threshold)
        {
            Volatile.Write(ref _lastLate, now);
            Late?.Invoke(late);
        }
    }

    /// <summary>
    /// Whether this process ran late at some time after the timestamp <paramref name="since"/>: a tick after it came
    /// <see cref="Threshold"/> or more late, or the next tick is already that overdue. False before the first tick.
    /// </summary>
    public bool LateSince(long since)
    {
        var last = Volatile.Read(ref _lastTick);
        if (last == 0)
        {
            return false;
        }

        var now = time.GetTimestamp();
        var lastLate = Volatile.Read(ref _lastLate);
        return (lastLate != 0 && lastLate >= since) || time.GetElapsedTime(last, now) - Interval >= threshold;
    }

    public void Dispose() => _timer?.Dispose();

    private void OnTick() => OnTick(time.GetTimestamp());
}
