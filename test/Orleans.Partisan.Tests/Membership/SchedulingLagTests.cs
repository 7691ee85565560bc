using Microsoft.Extensions.Time.Testing;
using Orleans.Partisan.Membership;

namespace Orleans.Partisan.Tests.Membership;

/// <summary>Whether this process ran late: ticks that come a threshold or more after they were due.</summary>
public sealed class SchedulingLagTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void Ticks_on_time_are_not_late()
    {
        var time = new FakeTimeProvider();
        using var lag = new SchedulingLag(time, Threshold);
        var since = time.GetTimestamp();
        for (var i = 0; i < 50; i++)
        {
            lag.OnTick(time.GetTimestamp());
            time.Advance(SchedulingLag.Interval + TimeSpan.FromMilliseconds(400)); // late, but by less than the threshold
        }

        lag.OnTick(time.GetTimestamp());
        Assert.False(lag.LateSince(since));
    }

    [Fact]
    public void A_tick_that_came_late_counts_after_the_given_moment_only()
    {
        var time = new FakeTimeProvider();
        using var lag = new SchedulingLag(time, Threshold);
        var before = time.GetTimestamp();
        lag.OnTick(before);
        time.Advance(SchedulingLag.Interval + Threshold);
        lag.OnTick(time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(1));
        var afterwards = time.GetTimestamp();
        lag.OnTick(afterwards);

        Assert.True(lag.LateSince(before));
        Assert.False(lag.LateSince(afterwards));
    }

    [Fact]
    public void A_tick_already_overdue_by_the_threshold_counts()
    {
        var time = new FakeTimeProvider();
        using var lag = new SchedulingLag(time, Threshold);
        lag.OnTick(time.GetTimestamp());
        var since = time.GetTimestamp();
        time.Advance(SchedulingLag.Interval + Threshold - TimeSpan.FromMilliseconds(1));
        Assert.False(lag.LateSince(since));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(lag.LateSince(since));
    }

    [Fact]
    public void Nothing_is_late_before_the_first_tick()
    {
        var time = new FakeTimeProvider();
        using var lag = new SchedulingLag(time, Threshold);
        var since = time.GetTimestamp();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(lag.LateSince(since));
    }

    [Fact]
    public void The_timer_ticks_once_started()
    {
        var time = new FakeTimeProvider();
        using var lag = new SchedulingLag(time, Threshold);
        lag.Start();
        var since = time.GetTimestamp();

        // Ten intervals, one at a time, as the timer fires: never late.
        for (var i = 0; i < 10; i++)
        {
            time.Advance(SchedulingLag.Interval);
        }

        Assert.False(lag.LateSince(since));

        // No tick for a whole second (the timer's thread starved): late.
        lag.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(lag.LateSince(since));
    }
}
