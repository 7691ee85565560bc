using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// The timers a protocol core asks for, on a <see cref="TimeProvider"/>. A timer fires by posting to its
/// driver's serialized loop; arming an equal key again replaces its timer, and a timer replaced or
/// cancelled after it fired but before its work ran does nothing.
/// </summary>
/// <param name="time">The clock.</param>
/// <param name="post">Queues work on the driver's loop.</param>
internal sealed class CoreTimers(TimeProvider time, Action<Func<Task>> post) : IAsyncDisposable
{
    // Touched only on the driver's loop.
    private readonly Dictionary<CoreTimer, ITimer> _timers = [];

    /// <summary>Arms (or re-arms) <paramref name="key"/>: <paramref name="fire"/> runs on the loop after <paramref name="due"/>, and then every <paramref name="due"/> if <paramref name="periodic"/>.</summary>
    public void Arm(CoreTimer key, TimeSpan due, bool periodic, Func<CoreTimer, Task> fire)
    {
        Cancel(key);
        ITimer? timer = null;
        timer = time.CreateTimer(_ => post(() =>
        {
            if (!_timers.TryGetValue(key, out var current) || current != timer)
            {
                return Task.CompletedTask; // replaced or cancelled since it fired
            }

            if (!periodic)
            {
                _timers.Remove(key);
                current.Dispose();
            }

            return fire(key);
        }), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timers[key] = timer;
        timer.Change(due, periodic ? due : Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancels <paramref name="key"/> if it is armed.</summary>
    public void Cancel(CoreTimer key)
    {
        if (_timers.Remove(key, out var previous))
        {
            previous.Dispose();
        }
    }

    /// <summary>Stops every timer; call once the loop has stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var timer in _timers.Values)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        _timers.Clear();
    }
}
