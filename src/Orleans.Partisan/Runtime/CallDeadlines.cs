namespace Orleans.Partisan.Runtime;

/// <summary>
/// One timer for the deadlines of every pending call of a node, instead of a timer per call: it is armed for
/// the earliest deadline it was told of, and when it fires the owner sweeps its pending calls, fails those past
/// their deadline and tells it the earliest deadline left.
/// </summary>
/// <remarks>
/// Calls of one timeout get later deadlines as they start, so a new call almost never moves the timer (one
/// read of a field); the timer fires about once per timeout while calls keep coming and are answered, and each
/// sweep visits the calls pending then. A deadline told while a sweep runs re-arms the timer itself, so no call
/// is missed: <see cref="BeginSweep"/> forgets the armed deadline before the sweep reads the pending calls.
/// </remarks>
internal sealed class CallDeadlines : IDisposable
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _armedFor = long.MaxValue;

    /// <summary>Creates the timer; <paramref name="sweep"/> runs on the thread pool when it fires.</summary>
    public CallDeadlines(TimeProvider time, Action sweep)
    {
        _time = time;
        _timer = time.CreateTimer(static state => ((Action)state!)(), sweep, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A timestamp (of the <see cref="TimeProvider"/>) <paramref name="timeout"/> from now.</summary>
    public long DeadlineAfter(TimeSpan timeout)
        => timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);

    /// <summary>A pending call has <paramref name="deadline"/>: the timer fires by then.</summary>
    public void Add(long deadline)
    {
        if (deadline >= Volatile.Read(ref _armedFor))
        {
            return;
        }

        lock (_lock)
        {
            if (deadline < _armedFor)
            {
                _armedFor = deadline;
                var due = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
                _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The timer fired and the owner is about to read its pending calls; it then calls <see cref="Add"/> with the earliest deadline left.</summary>
    public void BeginSweep()
    {
        lock (_lock)
        {
            _armedFor = long.MaxValue;
        }
    }

    /// <summary>The current timestamp.</summary>
    public long Now => _time.GetTimestamp();

    public void Dispose() => _timer.Dispose();
}
