using Orleans.Partisan.Protocols.Delivery;

namespace Orleans.Partisan.Tests.Protocols.Delivery;

public sealed class AckReceiverTests
{
    private static readonly NodeName A = new("a");

    private static AckStamp Stamp(long sequence, long predecessor = 0, long @base = 1, long session = 1) => new(session, sequence, predecessor, @base);

    [Fact]
    public void A_message_is_accepted_once_and_acknowledged_when_completed()
    {
        var receiver = new AckReceiver<string>(8);

        Assert.Equal(AckOutcome.Accepted, receiver.Receive(A, Stamp(1), "1").Outcome);
        Assert.Equal(AckOutcome.InProgress, receiver.Receive(A, Stamp(1), "1 again").Outcome);
        Assert.Null(receiver.TakeReport(A));

        receiver.Completed(A, 1, 1);

        var report = receiver.TakeReport(A)!.Value;
        Assert.Equal((1L, 1L), (report.Session, report.Contiguous));
        Assert.Empty(report.Above);
        Assert.Null(receiver.TakeReport(A));
        Assert.Equal(AckOutcome.Duplicate, receiver.Receive(A, Stamp(1), "1 third").Outcome);
        Assert.Equal(1, receiver.TakeReport(A)?.Contiguous);
    }

    [Fact]
    public void Messages_completed_out_of_order_are_reported_above_the_contiguous_number()
    {
        var receiver = new AckReceiver<string>(8);
        foreach (var sequence in new long[] { 3, 5, 2 })
        {
            Assert.Equal(AckOutcome.Accepted, receiver.Receive(A, Stamp(sequence), $"{sequence}").Outcome);
            receiver.Completed(A, 1, sequence);
        }

        var report = receiver.TakeReport(A)!.Value;
        Assert.Equal(0, report.Contiguous);
        Assert.Equal([2L, 3L, 5L], report.Above);

        receiver.Receive(A, Stamp(1), "1");
        receiver.Completed(A, 1, 1);
        report = receiver.TakeReport(A)!.Value;
        Assert.Equal(3, report.Contiguous);
        Assert.Equal([5L], report.Above);
        Assert.Equal(AckOutcome.Duplicate, receiver.Receive(A, Stamp(2), "2").Outcome);
    }

    [Fact]
    public void A_message_beyond_the_window_is_refused_unacknowledged()
    {
        var receiver = new AckReceiver<string>(4);

        Assert.Equal(AckOutcome.Refused, receiver.Receive(A, Stamp(5), "5").Outcome);
        Assert.Null(receiver.TakeReport(A));
        Assert.Equal(AckOutcome.Accepted, receiver.Receive(A, Stamp(4), "4").Outcome);
    }

    [Fact]
    public void A_message_is_held_until_its_predecessor_of_the_same_key_is_completed()
    {
        var receiver = new AckReceiver<string>(8);

        Assert.Equal(AckOutcome.Held, receiver.Receive(A, Stamp(3, predecessor: 1), "3").Outcome);
        Assert.Equal(AckOutcome.InProgress, receiver.Receive(A, Stamp(3, predecessor: 1), "3 again").Outcome);
        Assert.Equal(AckOutcome.Accepted, receiver.Receive(A, Stamp(2), "2").Outcome);
        Assert.Equal(AckOutcome.Accepted, receiver.Receive(A, Stamp(1), "1").Outcome);
        Assert.Equal(1, receiver.HeldCount);

        Assert.Empty(receiver.Completed(A, 1, 2));
        var released = receiver.Completed(A, 1, 1);

        Assert.Equal([(3L, "3")], released.Select(r => (r.Sequence, r.Item)));
        Assert.Equal(0, receiver.HeldCount);
        receiver.Completed(A, 1, 3);
        Assert.Equal(3, receiver.TakeReport(A)?.Contiguous);
    }

    [Fact]
    public void The_base_releases_messages_whose_predecessor_was_given_up_and_drops_those_given_up_themselves()
    {
        var receiver = new AckReceiver<string>(8);
        receiver.Receive(A, Stamp(3, predecessor: 2), "3 waits for 2");
        receiver.Receive(A, Stamp(2, predecessor: 1), "2 waits for 1");

        // The sender gave up 1 and 2: its base is 3.
        var arrival = receiver.Receive(A, Stamp(4, @base: 3), "4");

        Assert.Equal(AckOutcome.Accepted, arrival.Outcome);
        Assert.Equal([(3L, "3 waits for 2")], arrival.Released.Select(r => (r.Sequence, r.Item)));
        Assert.Equal(1, arrival.Dropped);
        Assert.Equal(0, receiver.HeldCount);
        Assert.Equal(AckOutcome.Duplicate, receiver.Receive(A, Stamp(1), "1, late").Outcome);
    }

    [Fact]
    public void A_higher_session_starts_afresh_and_a_lower_one_is_stale()
    {
        var receiver = new AckReceiver<string>(8);
        receiver.Receive(A, Stamp(1, session: 2), "1");
        receiver.Completed(A, 2, 1);

        Assert.Equal(AckOutcome.Stale, receiver.Receive(A, Stamp(2, session: 1), "old").Outcome);
        Assert.Equal(AckOutcome.Accepted, receiver.Receive(A, Stamp(1, session: 3), "new 1").Outcome);
        Assert.Empty(receiver.Completed(A, 2, 2));
        receiver.Completed(A, 3, 1);
        Assert.Equal((3L, 1L), receiver.TakeReport(A) is { } report ? (report.Session, report.Contiguous) : default);
    }

    [Fact]
    public void An_abandoned_message_is_accepted_again()
    {
        var receiver = new AckReceiver<string>(8);
        receiver.Receive(A, Stamp(1), "1");

        receiver.Abandoned(A, 1, 1);

        Assert.Equal(AckOutcome.Accepted, receiver.Receive(A, Stamp(1), "1 again").Outcome);
    }

    [Fact]
    public void A_departed_sender_is_still_recognised_if_it_shows_up_again()
    {
        var receiver = new AckReceiver<string>(8);
        receiver.Receive(A, Stamp(1), "1");
        receiver.Completed(A, 1, 1);
        receiver.Receive(A, Stamp(3, predecessor: 2), "3");

        Assert.Equal(["3"], receiver.SenderLeft(A));
        Assert.Empty(receiver.Senders);

        Assert.Equal(AckOutcome.Duplicate, receiver.Receive(A, Stamp(1), "1, late copy").Outcome);
    }

    [Fact]
    public void An_inconsistent_stamp_is_invalid()
    {
        var receiver = new AckReceiver<string>(8);

        Assert.Equal(AckOutcome.Invalid, receiver.Receive(A, Stamp(2, predecessor: 2), "x").Outcome);
        Assert.Equal(AckOutcome.Invalid, receiver.Receive(A, Stamp(2, @base: 3), "x").Outcome);
        Assert.Equal(AckOutcome.Invalid, receiver.Receive(A, Stamp(0), "x").Outcome);
        Assert.Empty(receiver.Senders);
    }
}
