using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Tests.Protocols.Delivery;

public sealed class AckTrackerTests
{
    private static readonly NodeName B = new("b");
    private static readonly NodeName C = new("c");
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly OrderKey Key = new("default", 7);

    private static AckTracker<string> Tracker(int window = 8) => new(window, Interval);

    private static AckStamp Track(AckTracker<string> tracker, string message, OrderKey? key = null, bool pinned = false, NodeName? to = null, TimeSpan now = default, TimeSpan? deadline = null)
    {
        Assert.True(tracker.TryTrack(to ?? B, message, key, pinned, now, deadline, out var stamp), $"room for {message}");
        return stamp;
    }

    [Fact]
    public void Messages_are_numbered_per_destination_in_one_session_each()
    {
        var tracker = Tracker();
        var b1 = Track(tracker, "b1");
        var b2 = Track(tracker, "b2");
        var c1 = Track(tracker, "c1", to: C);

        Assert.Equal((1L, 2L, 1L), (b1.Sequence, b2.Sequence, c1.Sequence));
        Assert.Equal(b1.Session, b2.Session);
        Assert.NotEqual(b1.Session, c1.Session);
        Assert.Equal((1L, 1L), (b1.Base, b2.Base));
    }

    [Fact]
    public void A_full_window_refuses_until_an_acknowledgement_makes_room()
    {
        var tracker = Tracker(window: 2);
        var first = Track(tracker, "1");
        Track(tracker, "2");

        Assert.False(tracker.HasRoom(B));
        Assert.False(tracker.TryTrack(B, "3", null, false, TimeSpan.Zero, null, out _));
        Assert.True(tracker.HasRoom(C));

        Assert.Equal(["1"], tracker.OnAck(B, new AckReport(first.Session, 1, [])));
        Assert.True(tracker.HasRoom(B));
        Assert.Equal(3, Track(tracker, "3").Sequence);
    }

    [Fact]
    public void The_window_is_a_range_of_numbers_so_an_old_unacknowledged_message_holds_it()
    {
        var tracker = Tracker(window: 3);
        var first = Track(tracker, "1");
        Track(tracker, "2");
        Track(tracker, "3");

        Assert.Equal(["2", "3"], tracker.OnAck(B, new AckReport(first.Session, 0, [2, 3])));

        Assert.False(tracker.HasRoom(B), "message 1 still outstanding: numbers 1..3 are in use");
        Assert.Equal(["1"], tracker.OnAck(B, new AckReport(first.Session, 1, [])));
        Assert.True(tracker.HasRoom(B));
    }

    [Fact]
    public void Acknowledgements_are_cumulative_selective_and_idempotent_and_of_the_current_session_only()
    {
        var tracker = Tracker();
        var stamp = Track(tracker, "1");
        Track(tracker, "2");
        Track(tracker, "3");
        Track(tracker, "4");

        Assert.Empty(tracker.OnAck(B, new AckReport(stamp.Session + 1, 4, [])));
        Assert.Empty(tracker.OnAck(C, new AckReport(stamp.Session, 4, [])));
        Assert.Equal(["1", "2", "4"], tracker.OnAck(B, new AckReport(stamp.Session, 2, [4])));
        Assert.Empty(tracker.OnAck(B, new AckReport(stamp.Session, 2, [4])));
        Assert.Equal(1, tracker.OutstandingCount(B));
        Assert.Equal(3, Track(tracker, "5").Base);
    }

    [Fact]
    public void A_message_names_the_previous_outstanding_message_of_its_key_as_predecessor()
    {
        var tracker = Tracker();
        var k1 = Track(tracker, "k1", Key);
        var free = Track(tracker, "free");
        var k2 = Track(tracker, "k2", Key);
        var other = Track(tracker, "other", new OrderKey("default", 8));

        Assert.Equal((0L, 0L, k1.Sequence, 0L), (k1.Predecessor, free.Predecessor, k2.Predecessor, other.Predecessor));

        tracker.OnAck(B, new AckReport(k1.Session, 0, [k1.Sequence, k2.Sequence]));
        Assert.Equal(0, Track(tracker, "k3", Key).Predecessor);
    }

    [Fact]
    public void A_message_given_up_hands_its_place_in_the_key_order_back_to_its_predecessor()
    {
        var tracker = Tracker();
        var k1 = Track(tracker, "k1", Key);
        var k2 = Track(tracker, "k2", Key);

        Assert.True(tracker.Withdraw(B, k2.Sequence));
        Assert.False(tracker.Withdraw(B, k2.Sequence));

        Assert.Equal(k1.Sequence, Track(tracker, "k3", Key).Predecessor);
    }

    [Fact]
    public void After_a_reconnect_every_outstanding_message_is_handed_out_in_order_with_the_current_base()
    {
        var tracker = Tracker();
        var first = Track(tracker, "1");
        Track(tracker, "2");
        Track(tracker, "3");
        tracker.OnAck(B, new AckReport(first.Session, 1, []));

        var copies = tracker.Reconnected(B, TimeSpan.FromSeconds(5));

        Assert.Equal(["2", "3"], copies.Select(c => c.Message));
        Assert.All(copies, c => Assert.Equal(2, c.Stamp.Base));
        Assert.Empty(tracker.Reconnected(C, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_copy_unacknowledged_for_the_interval_is_handed_out_again_and_not_before()
    {
        var tracker = Tracker();
        Track(tracker, "1", now: TimeSpan.Zero);
        Track(tracker, "2", now: TimeSpan.FromMilliseconds(600));
        Assert.Equal(Interval, tracker.NextDue);

        Assert.Empty(tracker.Tick(TimeSpan.FromMilliseconds(900)).Retransmit);
        var first = tracker.Tick(Interval);
        Assert.Equal(["1"], first.Retransmit.Select(r => r.Message));
        Assert.Equal(TimeSpan.FromMilliseconds(1600), first.NextDue);
        Assert.Equal(["2"], tracker.Tick(TimeSpan.FromMilliseconds(1600)).Retransmit.Select(r => r.Message));
        Assert.Equal(["1"], tracker.Tick(TimeSpan.FromSeconds(2)).Retransmit.Select(r => r.Message));
    }

    [Fact]
    public void The_deadline_gives_up_a_message_but_keeps_a_pinned_one_for_retransmission()
    {
        var tracker = Tracker();
        Track(tracker, "plain", deadline: TimeSpan.FromSeconds(3));
        Track(tracker, "causal", pinned: true, deadline: TimeSpan.FromSeconds(3));
        Track(tracker, "patient");

        var tick = tracker.Tick(TimeSpan.FromSeconds(3));

        Assert.Equal(["plain", "causal"], tick.Expired.Select(e => e.Message));
        Assert.Equal(2, tracker.OutstandingCount(B));
        Assert.Empty(tracker.Tick(TimeSpan.FromSeconds(10)).Expired);
        Assert.Equal(["causal", "patient"], tracker.Reconnected(B, TimeSpan.FromSeconds(10)).Select(c => c.Message));
    }

    [Fact]
    public void Failing_a_destination_returns_everything_and_gives_up_all_but_the_pinned_ones()
    {
        var tracker = Tracker();
        Track(tracker, "plain");
        Track(tracker, "causal", pinned: true);

        Assert.Equal(["plain", "causal"], tracker.Fail(B));
        Assert.Equal(1, tracker.OutstandingCount(B));
        Assert.Equal(["causal"], tracker.Fail(B));
    }

    [Fact]
    public void Forgetting_a_destination_returns_everything_and_a_later_send_opens_a_higher_session()
    {
        var tracker = Tracker();
        var before = Track(tracker, "1");
        Track(tracker, "2", pinned: true);
        Track(tracker, "c", to: C);

        Assert.Equal(["1", "2"], tracker.Forget(B));
        Assert.Equal(0, tracker.OutstandingCount(B));
        var after = Track(tracker, "3");

        Assert.True(after.Session > before.Session);
        Assert.Equal(1, after.Sequence);
        Assert.Empty(tracker.OnAck(B, new AckReport(before.Session, 2, [])));
    }

    [Fact]
    public void A_destination_acknowledged_in_full_keeps_its_session_until_a_due_tick_finds_it_idle()
    {
        var tracker = Tracker();
        var first = Track(tracker, "1");
        tracker.OnAck(B, new AckReport(first.Session, 1, []));

        Assert.Equal([B], tracker.Destinations);
        var second = Track(tracker, "2", now: TimeSpan.FromMilliseconds(500));
        Assert.Equal((first.Session, 2L, 2L), (second.Session, second.Sequence, second.Base));
        tracker.OnAck(B, new AckReport(first.Session, 2, []));

        Assert.Empty(tracker.Tick(TimeSpan.FromMilliseconds(900)).Retransmit);
        Assert.Equal([B], tracker.Destinations);
        var tick = tracker.Tick(Interval);
        Assert.Empty(tick.Retransmit);
        Assert.Empty(tracker.Destinations);
        Assert.Null(tracker.NextDue);

        var next = Track(tracker, "3", now: Interval);
        Assert.True(next.Session > first.Session);
        Assert.Equal(1, next.Sequence);
    }

    [Fact]
    public void Bad_arguments_are_clear_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AckTracker<string>(0, Interval));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AckTracker<string>(1, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => Tracker().TryTrack(default, "x", null, false, TimeSpan.Zero, null, out _));
    }
}
