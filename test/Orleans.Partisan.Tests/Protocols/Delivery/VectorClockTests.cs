using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Protocols.Delivery;

public sealed class VectorClockTests
{
    private static readonly NodeName A = new("a");
    private static readonly NodeName B = new("b");
    private static readonly NodeName C = new("c");

    private static readonly Serializer Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static VectorClock Clock(params (NodeName Node, long Count)[] counts)
        => VectorClock.From(counts.Select(c => new KeyValuePair<NodeName, long>(c.Node, c.Count)));

    [Fact]
    public void Increment_counts_one_node_and_leaves_the_original_unchanged()
    {
        var empty = VectorClock.Empty;
        var one = empty.Increment(B);
        var two = one.Increment(B).Increment(A);

        Assert.Equal(0, empty[B]);
        Assert.Equal(1, one[B]);
        Assert.Equal((1L, 2L, 0L), (two[A], two[B], two[C]));
        Assert.Equal("{a:1, b:2}", two.ToString());
    }

    [Fact]
    public void Merge_is_the_entry_wise_maximum_and_commutes()
    {
        var x = Clock((A, 3), (B, 1));
        var y = Clock((B, 4), (C, 2));

        var merged = x.Merge(y);

        Assert.Equal(Clock((A, 3), (B, 4), (C, 2)), merged);
        Assert.Equal(merged, y.Merge(x));
        Assert.Same(merged, merged.Merge(x));
        Assert.Equal(merged, merged.Merge(merged));
    }

    [Theory]
    [InlineData(new long[] { 1, 2 }, new long[] { 1, 2 }, "equal")]
    [InlineData(new long[] { 1, 2 }, new long[] { 1, 3 }, "before")]
    [InlineData(new long[] { 0, 2 }, new long[] { 1, 2 }, "before")]
    [InlineData(new long[] { 2, 2 }, new long[] { 1, 2 }, "after")]
    [InlineData(new long[] { 2, 0 }, new long[] { 0, 0 }, "after")]
    [InlineData(new long[] { 2, 1 }, new long[] { 1, 2 }, "concurrent")]
    [InlineData(new long[] { 1, 0 }, new long[] { 0, 1 }, "concurrent")]
    public void Compare_tells_before_after_equal_and_concurrent(long[] left, long[] right, string relation)
    {
        var expected = Enum.Parse<ClockOrder>(relation, ignoreCase: true);
        var x = Clock((A, left[0]), (B, left[1]));
        var y = Clock((A, right[0]), (B, right[1]));

        Assert.Equal(expected, x.Compare(y));
        var mirrored = expected switch { ClockOrder.Before => ClockOrder.After, ClockOrder.After => ClockOrder.Before, _ => expected };
        Assert.Equal(mirrored, y.Compare(x));
        Assert.Equal(expected is ClockOrder.Before or ClockOrder.Equal, x.IsAtMost(y));
    }

    [Fact]
    public void A_node_that_left_is_dropped()
    {
        var clock = Clock((A, 1), (B, 2), (C, 3));

        Assert.Equal(Clock((A, 1), (C, 3)), clock.Without(B));
        Assert.Equal(Clock((B, 2)), clock.Without(n => n != B));
        Assert.Same(clock, clock.Without(new NodeName("z")));
        Assert.Same(VectorClock.Empty, clock.Without(_ => true));
    }

    [Fact]
    public void Zero_counts_are_not_kept()
    {
        var clock = Clock((A, 0), (B, 2));

        Assert.Equal(1, clock.Count);
        Assert.Equal(0, clock.With(B, 0).Count);
        Assert.Equal(clock, Clock((B, 2)));
    }

    [Fact]
    public void Bad_input_is_a_clear_error()
    {
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => Clock((A, 1), (A, 2))).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => Clock((A, -1))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorClock.Empty.With(A, -1));
        Assert.Throws<ArgumentException>(() => VectorClock.Empty.Increment(default));
    }

    [Fact]
    public void The_wire_form_round_trips_and_a_malformed_one_is_detected()
    {
        var clock = Clock((C, 7), (A, 1), (B, 300_000_000_000));

        var copy = Assert.IsType<VectorClock>(Serializer.Deserialize<object>(Serializer.SerializeToArray<object>(clock)));

        Assert.Equal(clock, copy);
        Assert.True(copy.TryValidate(out var problem), problem);
        Assert.Equal([A, B, C], copy.Nodes.ToArray());
        var size = Serializer.SerializeToArray(clock).Length;
        Assert.True(size < 64, $"three entries take {size} bytes");

        var unsorted = VectorClock.FromSorted([B, A], [1, 1]);
        Assert.False(unsorted.TryValidate(out problem));
        Assert.Contains("sorted", problem);
        var zero = VectorClock.FromSorted([A], [0]);
        Assert.False(zero.TryValidate(out problem));
        Assert.Contains("positive", problem);
        var ragged = VectorClock.FromSorted([A, B], [1]);
        Assert.False(ragged.TryValidate(out problem));
        Assert.Contains("length", problem);
    }
}
