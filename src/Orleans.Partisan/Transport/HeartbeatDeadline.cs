namespace Orleans.Partisan.Transport;

/// <summary>
/// The dialler's half of the connection heartbeat, with time passed in: whether the peer at the other end of a
/// connection has sent nothing for longer than the timeout, counting only time this process ran.
/// </summary>
/// <remarks>
/// <para>The acceptor of a connection sends a heartbeat frame every interval the dialler asked for in its hello
/// (<see cref="Hello.HeartbeatInterval"/>); the dialler reports every frame it reads with <see cref="Heard"/> and
/// calls <see cref="Check"/> once per <see cref="CheckPeriod"/>. Silence is accumulated check by check, so that a
/// check that comes late counts at most two periods: a late check means this process did not run (a garbage
/// collection, CPU starvation, the process stopped), and the peer's heartbeats may be waiting unread in the socket,
/// so the peer is not blamed for that time. The price is that a peer lost during such a pause is declared silent
/// later, by at most the length of the pause.</para>
/// <para>Threading contract: <see cref="Heard"/> may be called at any time from any thread (the read loop);
/// <see cref="Check"/> is never called concurrently with itself (one timer, re-armed after each check).</para>
/// </remarks>
internal sealed class HeartbeatDeadline
{
    private long _heardTicks;
    private TimeSpan _lastCheck;
    private TimeSpan _silence;

    /// <summary>Starts counting at <paramref name="now"/>, as if a heartbeat had just been heard.</summary>
    /// <param name="timeout">How long the peer may stay silent; more than twice <paramref name="checkPeriod"/>.</param>
    /// <param name="checkPeriod">How often <see cref="Check"/> is called; more than zero.</param>
    /// <param name="now">The current time on the caller's clock (any origin, never going back).</param>
    public HeartbeatDeadline(TimeSpan timeout, TimeSpan checkPeriod, TimeSpan now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(checkPeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, checkPeriod * 2);
        Timeout = timeout;
        CheckPeriod = checkPeriod;
        _heardTicks = now.Ticks;
        _lastCheck = now;
    }

    /// <summary>How long the peer may stay silent before <see cref="Check"/> says so.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How often <see cref="Check"/> is meant to be called.</summary>
    public TimeSpan CheckPeriod { get; }

    /// <summary>The silence counted at the last <see cref="Check"/>.</summary>
    public TimeSpan Silence => _silence;

    /// <summary>Something arrived from the peer at <paramref name="now"/>.</summary>
    public void Heard(TimeSpan now)
    {
        // Two readers never race in practice (one read loop), but keep the latest time whatever the order.
        var ticks = now.Ticks;
        var seen = Volatile.Read(ref _heardTicks);
        while (ticks > seen)
        {
            var actual = Interlocked.CompareExchange(ref _heardTicks, ticks, seen);
            if (actual == seen)
            {
                return;
            }

            seen = actual;
        }
    }

    /// <summary>
    /// Counts the time since the previous check (at most two periods) as silence unless the peer was heard since,
    /// and returns whether the silence has reached <see cref="Timeout"/>.
    /// </summary>
    public bool Check(TimeSpan now)
    {
        var previous = _lastCheck;
        var elapsed = now - previous;
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        _lastCheck = now > previous ? now : previous;
        var counted = elapsed < CheckPeriod * 2 ? elapsed : CheckPeriod * 2;
        var heard = TimeSpan.FromTicks(Volatile.Read(ref _heardTicks));
        if (heard > previous)
        {
            // Heard since the last check: the silence began then, and counts no more than this check may.
            var since = now - heard;
            _silence = since < TimeSpan.Zero ? TimeSpan.Zero : since < counted ? since : counted;
        }
        else
        {
            _silence += counted;
        }

        return _silence >= Timeout;
    }
}
