using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Protocols.Delivery;

public sealed class CausalBufferTests
{
    private const string Label = "orders";
    private static readonly NodeName A = new("a");
    private static readonly NodeName B = new("b");
    private static readonly NodeName Q = new("q");
    private static readonly NodeName R = new("r");

    private static readonly Serializer Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void Messages_of_one_sender_are_delivered_in_the_order_sent_whatever_the_arrival_order()
    {
        var a = new CausalBuffer<string>(A, 10);
        var q = new CausalBuffer<string>(Q, 10);
        var m1 = a.Stamp(Label, Q);
        var m2 = a.Stamp(Label, Q);
        var m3 = a.Stamp(Label, Q);

        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, A, m3, "m3").Outcome);
        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, A, m2, "m2").Outcome);
        Assert.Equal(2, q.BufferedCount(Label));
        var arrival = q.Receive(Label, A, m1, "m1");

        Assert.Equal(CausalOutcome.Delivered, arrival.Outcome);
        Assert.Equal(["m1", "m2", "m3"], arrival.Deliver);
        Assert.Equal(0, q.BufferedCount(Label));
        Assert.Equal(3, q.DeliveredClock(Label)[A]);
    }

    [Fact]
    public void A_message_waits_for_a_predecessor_it_knows_of_only_through_another_node()
    {
        // a sends m1 to q, then m2 to b; b delivers m2 and sends m3 to q: m1 happened before m3.
        var a = new CausalBuffer<string>(A, 10);
        var b = new CausalBuffer<string>(B, 10);
        var q = new CausalBuffer<string>(Q, 10);
        var m1 = a.Stamp(Label, Q);
        var m2 = a.Stamp(Label, B);
        Assert.Equal(["m2"], b.Receive(Label, A, m2, "m2").Deliver);
        var m3 = b.Stamp(Label, Q);

        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, B, m3, "m3").Outcome);
        Assert.Equal(["m1", "m3"], q.Receive(Label, A, m1, "m1").Deliver);
    }

    [Fact]
    public void A_message_to_another_node_does_not_hold_up_the_next_one_to_this_node()
    {
        // The flaw of a single per-node clock for point-to-point messages: q never gets m1, which was for r.
        var a = new CausalBuffer<string>(A, 10);
        var q = new CausalBuffer<string>(Q, 10);
        a.Stamp(Label, R);
        var m2 = a.Stamp(Label, Q);

        Assert.Equal(["m2"], q.Receive(Label, A, m2, "m2").Deliver);
    }

    [Fact]
    public void Concurrent_messages_are_delivered_as_they_arrive()
    {
        var a = new CausalBuffer<string>(A, 10);
        var b = new CausalBuffer<string>(B, 10);
        var q = new CausalBuffer<string>(Q, 10);
        var fromA = a.Stamp(Label, Q);
        var fromB = b.Stamp(Label, Q);

        Assert.Equal(["b"], q.Receive(Label, B, fromB, "b").Deliver);
        Assert.Equal(["a"], q.Receive(Label, A, fromA, "a").Deliver);
    }

    [Fact]
    public void What_a_node_delivered_happens_before_what_it_sends_next()
    {
        var a = new CausalBuffer<string>(A, 10);
        var b = new CausalBuffer<string>(B, 10);
        var toB = a.Stamp(Label, B);
        b.Receive(Label, A, toB, "x");

        var reply = b.Stamp(Label, A);

        Assert.Equal(1, reply.RowFor(B)[A]);
        Assert.Equal(1, reply.RowFor(A)[B]);
        Assert.True(toB.RowFor(B).IsAtMost(reply.RowFor(B)));
    }

    [Fact]
    public void Copies_are_duplicates_whether_delivered_or_still_waiting()
    {
        var a = new CausalBuffer<string>(A, 10);
        var q = new CausalBuffer<string>(Q, 10);
        var m1 = a.Stamp(Label, Q);
        var m2 = a.Stamp(Label, Q);

        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, A, m2, "m2").Outcome);
        Assert.Equal(CausalOutcome.AlreadyBuffered, q.Receive(Label, A, m2, "m2 again").Outcome);
        Assert.Equal(["m1", "m2"], q.Receive(Label, A, m1, "m1").Deliver);
        Assert.Equal(CausalOutcome.Duplicate, q.Receive(Label, A, m1, "m1 again").Outcome);
        Assert.Equal(CausalOutcome.Duplicate, q.Receive(Label, A, m2, "m2 third").Outcome);
    }

    [Fact]
    public void A_full_buffer_refuses_a_message_that_must_wait_but_never_the_one_that_releases_the_others()
    {
        var a = new CausalBuffer<string>(A, 2);
        var q = new CausalBuffer<string>(Q, 2);
        var stamps = Enumerable.Range(0, 4).Select(_ => a.Stamp(Label, Q)).ToList();

        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, A, stamps[1], "m2").Outcome);
        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, A, stamps[2], "m3").Outcome);
        Assert.Equal(CausalOutcome.Overflow, q.Receive(Label, A, stamps[3], "m4").Outcome);
        Assert.Equal(2, q.BufferedCount(Label));

        Assert.Equal(["m1", "m2", "m3"], q.Receive(Label, A, stamps[0], "m1").Deliver);
        Assert.Equal(["m4 again"], q.Receive(Label, A, stamps[3], "m4 again").Deliver);
    }

    [Fact]
    public void A_node_that_left_is_forgotten_its_waiting_messages_discarded_and_those_waiting_for_it_released()
    {
        var a = new CausalBuffer<string>(A, 10);
        var b = new CausalBuffer<string>(B, 10);
        var q = new CausalBuffer<string>(Q, 10);
        var lost = a.Stamp(Label, Q);        // never arrives
        var second = a.Stamp(Label, Q);      // waits for it
        var toB = a.Stamp(Label, B);
        b.Receive(Label, A, toB, "to b");
        var fromB = b.Stamp(Label, Q);       // knows of a's two messages to q

        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, A, second, "a2").Outcome);
        Assert.Equal(CausalOutcome.Buffered, q.Receive(Label, B, fromB, "b1").Outcome);

        var departure = q.NodeLeft(A);

        Assert.Equal(["a2"], departure.Discarded);
        Assert.Equal(["b1"], departure.Released);
        Assert.Equal(0, q.BufferedCount(Label));
        Assert.Equal(0, q.DeliveredClock(Label)[A]);
        Assert.Equal(CausalOutcome.Departed, q.Receive(Label, A, lost, "late").Outcome);
        Assert.True(q.HasDeparted(A));
        Assert.DoesNotContain(A, q.Stamp(Label, B).Nodes);
    }

    [Fact]
    public void Labels_are_independent()
    {
        var a = new CausalBuffer<string>(A, 10);
        var q = new CausalBuffer<string>(Q, 10);
        a.Stamp("one", Q);
        var other = a.Stamp("two", Q);

        Assert.Equal(["two"], q.Receive("two", A, other, "two").Deliver);
        Assert.Equal(0, q.BufferedCount("one"));
    }

    [Fact]
    public void A_message_to_itself_is_delivered_at_once_and_kept_in_step()
    {
        var a = new CausalBuffer<string>(A, 10);
        var q = new CausalBuffer<string>(Q, 10);
        Assert.Equal(["self"], a.Receive(Label, A, a.Stamp(Label, A), "self").Deliver);
        var toQ = a.Stamp(Label, Q);

        Assert.Equal(["q"], q.Receive(Label, A, toQ, "q").Deliver);
        Assert.Equal(1, a.DeliveredClock(Label)[A]);
    }

    [Fact]
    public void A_malformed_stamp_or_one_that_does_not_count_the_message_is_invalid()
    {
        var a = new CausalBuffer<string>(A, 10);
        var q = new CausalBuffer<string>(Q, 10);
        var toR = a.Stamp(Label, R);

        var wrongRow = q.Receive(Label, A, toR, "x");
        var malformed = q.Receive(Label, A, RoundTrip(BrokenStamp()), "y");

        Assert.Equal(CausalOutcome.Invalid, wrongRow.Outcome);
        Assert.Contains("does not count", wrongRow.Problem);
        Assert.Equal(CausalOutcome.Invalid, malformed.Outcome);
        Assert.Contains("malformed", malformed.Problem);
        Assert.Equal(0, q.BufferedCount(Label));
    }

    [Fact]
    public void The_stamp_names_each_node_once_and_round_trips()
    {
        var a = new CausalBuffer<string>(A, 10);
        a.Stamp(Label, B);
        a.Stamp(Label, Q);
        var stamp = a.Stamp(Label, Q);

        var copy = RoundTrip(stamp);

        Assert.True(copy.TryValidate(out var problem), problem);
        Assert.Equal([A, B, Q], copy.Nodes.ToArray());
        Assert.Equal(2, copy.RowFor(Q)[A]);
        Assert.Equal(1, copy.RowFor(B)[A]);
        Assert.Equal([(B, 1L), (Q, 2L)], copy.Rows.Select(r => (r.Destination, r.Row[A])));
    }

    private static CausalStamp RoundTrip(CausalStamp stamp)
        => Assert.IsType<CausalStamp>(Serializer.Deserialize<object>(Serializer.SerializeToArray<object>(stamp)));

    private static CausalStamp BrokenStamp() => new([A, Q], [1, 0], [0]);
}
