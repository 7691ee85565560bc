using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>The dialler's heartbeat deadline alone, in virtual time: silence is what the peer owes, never this process's pauses.</summary>
public sealed class HeartbeatDeadlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>Checks every period from <paramref name="from"/> (exclusive) to <paramref name="to"/>; returns the time of the first check that expired, or null.</summary>
    private static TimeSpan? CheckEveryPeriod(HeartbeatDeadline deadline, TimeSpan from, TimeSpan to)
    {
        for (var now = from + Period; now <= to; now += Period)
        {
            if (deadline.Check(now))
            {
                return now;
            }
        }

        return null;
    }

    [Fact]
    public void A_peer_that_sends_nothing_expires_at_the_check_that_reaches_the_timeout()
    {
        var deadline = new HeartbeatDeadline(Timeout, Period, TimeSpan.Zero);

        Assert.Equal(Timeout, CheckEveryPeriod(deadline, TimeSpan.Zero, TimeSpan.FromSeconds(10)));
        Assert.Equal(Timeout, deadline.Silence);
    }

    [Fact]
    public void A_peer_heard_every_interval_never_expires()
    {
        var deadline = new HeartbeatDeadline(Timeout, Period, TimeSpan.Zero);
        for (var now = Period; now <= TimeSpan.FromMinutes(2); now += Period)
        {
            if (now.Ticks % TimeSpan.TicksPerSecond == 0)
            {
                deadline.Heard(now - Ms(10)); // a heartbeat every second, read just before the check
            }

            Assert.False(deadline.Check(now), $"expired at {now} although heard every second");
            Assert.True(deadline.Silence <= TimeSpan.FromSeconds(1), $"silence {deadline.Silence} at {now}");
        }
    }

    [Fact]
    public void Silence_counts_from_the_last_heartbeat_heard()
    {
        var deadline = new HeartbeatDeadline(Timeout, Period, TimeSpan.Zero);
        Assert.Null(CheckEveryPeriod(deadline, TimeSpan.Zero, TimeSpan.FromSeconds(3)));

        deadline.Heard(Ms(3200));

        // Checks at 3.5 s, 4 s ... : silent since 3.2 s, so the timeout is reached at the first check from 7.2 s.
        Assert.Equal(TimeSpan.FromSeconds(7.5), CheckEveryPeriod(deadline, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_peer_paused_for_one_second_between_heartbeats_every_second_does_not_expire()
    {
        // The peer's heartbeats come every second, except that a 1 s pause (a long garbage collection) delays one by a second.
        var deadline = new HeartbeatDeadline(Timeout, Period, TimeSpan.Zero);
        TimeSpan[] heard = [Ms(1000), Ms(2000), Ms(4000), Ms(5000), Ms(6000)];
        var next = 0;
        for (var now = Period; now <= TimeSpan.FromSeconds(6); now += Period)
        {
            while (next < heard.Length && heard[next] <= now)
            {
                deadline.Heard(heard[next++]);
            }

            Assert.False(deadline.Check(now), $"expired at {now}");
        }

        Assert.Equal(TimeSpan.Zero, deadline.Silence);
    }

    [Fact]
    public void A_late_check_counts_at_most_two_periods_so_a_pause_of_this_process_is_not_held_against_the_peer()
    {
        var deadline = new HeartbeatDeadline(Timeout, Period, TimeSpan.Zero);

        // This process did not run for 10 s: one check, ten seconds late.
        Assert.False(deadline.Check(TimeSpan.FromSeconds(10)));
        Assert.Equal(Period * 2, deadline.Silence);

        // A heartbeat waiting in the socket is read right after, and resets the count.
        deadline.Heard(TimeSpan.FromSeconds(10) + Ms(1));
        Assert.False(deadline.Check(TimeSpan.FromSeconds(10) + Period));
        Assert.True(deadline.Silence < Period);

        // A peer that is really silent is still found, one timeout of running time later.
        Assert.Equal(TimeSpan.FromSeconds(14.5), CheckEveryPeriod(deadline, TimeSpan.FromSeconds(10) + Period, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_heartbeat_heard_during_a_late_check_counts_no_more_than_the_check_may()
    {
        var deadline = new HeartbeatDeadline(Timeout, Period, TimeSpan.Zero);
        Assert.Null(CheckEveryPeriod(deadline, TimeSpan.Zero, TimeSpan.FromSeconds(3)));

        // Heard at 3.1 s, then this process paused until 9 s: only two periods count.
        deadline.Heard(Ms(3100));
        Assert.False(deadline.Check(TimeSpan.FromSeconds(9)));
        Assert.Equal(Period * 2, deadline.Silence);
    }

    [Fact]
    public void Heard_keeps_the_latest_time_and_a_clock_that_stands_still_counts_nothing()
    {
        var deadline = new HeartbeatDeadline(Timeout, Period, TimeSpan.Zero);
        deadline.Heard(TimeSpan.FromSeconds(2));
        deadline.Heard(TimeSpan.FromSeconds(1)); // an older time, reported late: ignored
        Assert.False(deadline.Check(TimeSpan.FromSeconds(2.5)));
        Assert.Equal(Period, deadline.Silence);

        Assert.False(deadline.Check(TimeSpan.FromSeconds(2.5)));
        Assert.Equal(Period, deadline.Silence);
    }

    [Theory]
    [InlineData(0, 4000)]
    [InlineData(500, 1000)]
    [InlineData(500, 900)]
    public void The_timeout_must_be_more_than_two_check_periods(int periodMs, int timeoutMs)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new HeartbeatDeadline(Ms(timeoutMs), Ms(periodMs), TimeSpan.Zero));
}
