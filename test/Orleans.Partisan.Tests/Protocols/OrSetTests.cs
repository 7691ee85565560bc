using CsCheck;
using Orleans.Partisan.Protocols.FullMesh;

namespace Orleans.Partisan.Tests.Protocols;

public sealed class OrSetTests
{
    private const int Iterations = 200;
    private static readonly string[] Actors = ["a", "b", "c"];

    /// <summary>A history of adds, removes and merges by three replicas (kind, actor, element, other replica).</summary>
    private static readonly Gen<(int Kind, int Actor, int Element, int Other)[]> Histories =
        (from kind in Gen.Int[0, 3]
         from actor in Gen.Int[0, 2]
         from element in Gen.Int[0, 4]
         from other in Gen.Int[0, 2]
         select (kind, actor, element, other)).Array[0, 40];

    /// <summary>Three replica states after a history: kinds 0-1 add, 2 removes, 3 merges another replica in.</summary>
    private static OrSet<Item>[] Replay((int Kind, int Actor, int Element, int Other)[] history)
    {
        var replicas = new[] { OrSet<Item>.Empty, OrSet<Item>.Empty, OrSet<Item>.Empty };
        var counters = new long[3];
        foreach (var (kind, actor, element, other) in history)
        {
            var item = new Item($"x{element}");
            replicas[actor] = kind switch
            {
                0 or 1 => replicas[actor].Add(item, new Dot(new NodeName(Actors[actor]), ++counters[actor])),
                2 => replicas[actor].Remove(e => e == item),
                _ => replicas[actor].Merge(replicas[other]),
            };
        }

        return replicas;
    }

    private static string Show(OrSet<Item> set)
        => $"adds [{string.Join(",", set.Adds.Select(a => $"{a.Key}={a.Value.Value}"))}] removed [{string.Join(",", set.Removed)}]";

    private static void Same(OrSet<Item> expected, OrSet<Item> actual, string law)
    {
        Assert.True(expected.Equals(actual), $"{law}: {Show(expected)} != {Show(actual)}");
        Assert.True(expected.Adds.SequenceEqual(actual.Adds), $"{law}: adds differ: {Show(expected)} != {Show(actual)}");
        Assert.True(expected.Elements.ToHashSet().SetEquals(actual.Elements), $"{law}: elements differ: {Show(expected)} != {Show(actual)}");
    }

    [Fact]
    public void Merge_is_commutative()
        => Histories.Select(Replay).Sample(
            r =>
            {
                Same(r[0].Merge(r[1]), r[1].Merge(r[0]), "a+b = b+a");
                Same(r[1].Merge(r[2]), r[2].Merge(r[1]), "b+c = c+b");
            },
            iter: Iterations);

    [Fact]
    public void Merge_is_associative()
        => Histories.Select(Replay).Sample(
            r => Same(r[0].Merge(r[1]).Merge(r[2]), r[0].Merge(r[1].Merge(r[2])), "(a+b)+c = a+(b+c)"),
            iter: Iterations);

    [Fact]
    public void Merge_is_idempotent_and_absorbs_what_was_merged()
        => Histories.Select(Replay).Sample(
            r =>
            {
                Same(r[0], r[0].Merge(r[0]), "a+a = a");
                var ab = r[0].Merge(r[1]);
                Same(ab, ab.Merge(r[1]), "(a+b)+b = a+b");
                Same(ab, ab.Merge(r[0]), "(a+b)+a = a+b");
                Same(r[0], r[0].Merge(OrSet<Item>.Empty), "a+empty = a");
            },
            iter: Iterations);

    [Fact]
    public void Elements_are_the_values_with_a_live_dot_each_once()
        => Histories.Select(Replay).Sample(
            r =>
            {
                foreach (var set in r.Append(r[0].Merge(r[1]).Merge(r[2])))
                {
                    var elements = set.Elements.ToList();
                    Assert.True(elements.Count == elements.Distinct().Count(), $"duplicates in {Show(set)}");
                    var live = set.Adds.Where(a => !set.Removed.Contains(a.Key)).Select(a => a.Value).ToHashSet();
                    Assert.True(live.SetEquals(elements), $"elements [{string.Join(",", elements)}] of {Show(set)}");
                    Assert.All(Enumerable.Range(0, 5).Select(i => new Item($"x{i}")), x => Assert.Equal(live.Contains(x), set.Contains(x)));
                }
            },
            iter: Iterations);

    [Fact]
    public void A_concurrent_add_wins_over_a_remove_and_an_observed_remove_removes()
        => Gen.Select(Histories.Select(Replay), Gen.Int[0, 2], Gen.Int[0, 4]).Sample(
            (r, replica, element) =>
            {
                var set = r[replica];
                var item = new Item($"x{element}");
                var removed = set.Remove(x => x == item);

                // Observed remove: the remover saw every add of the item.
                Assert.False(removed.Contains(item), Show(removed));
                Assert.False(removed.Merge(set).Contains(item), $"observed remove undone by merge: {Show(removed.Merge(set))}");
                Assert.False(set.Merge(removed).Contains(item), $"observed remove undone by merge: {Show(set.Merge(removed))}");

                // Concurrent add: another replica adds the item under a dot the remover never saw.
                var added = set.Add(item, new Dot(new NodeName("z"), 1));
                Assert.True(removed.Merge(added).Contains(item), $"add lost to a concurrent remove: {Show(removed.Merge(added))}");
                Assert.True(added.Merge(removed).Contains(item), $"add lost to a concurrent remove: {Show(added.Merge(removed))}");
            },
            iter: Iterations);

    [Fact]
    public void Add_wins_example()
    {
        var x = new Item("x");
        var a = OrSet<Item>.Empty.Add(x, new Dot(new NodeName("a"), 1));
        var b = OrSet<Item>.Empty.Merge(a);

        var bRemoved = b.Remove(e => e == x);         // b removes the x it saw
        var aReAdded = a.Add(x, new Dot(new NodeName("a"), 2)); // a adds x again, concurrently

        Assert.False(bRemoved.Contains(x));
        Assert.True(bRemoved.Merge(aReAdded).Contains(x));
        Assert.Equal([x], bRemoved.Merge(aReAdded).Elements);

        // A remove on a replica that had never seen the add removes nothing.
        var stranger = OrSet<Item>.Empty.Remove(e => e == x);
        Assert.True(stranger.Merge(a).Contains(x));
    }

    [Fact]
    public void Reusing_a_dot_is_refused()
    {
        var dot = new Dot(new NodeName("a"), 1);
        var set = OrSet<Item>.Empty.Add(new Item("x"), dot);
        Assert.Throws<InvalidOperationException>(() => set.Add(new Item("y"), dot));
    }

    internal sealed record Item(string Value);
}
