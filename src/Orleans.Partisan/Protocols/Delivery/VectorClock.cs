using System.Collections.Immutable;
using System.Text;

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// An immutable vector clock: a count per node, zero for every node it does not name. Every operation
/// returns a new clock (or this one when nothing changes).
/// </summary>
/// <remarks>
/// The wire form is compact: the nodes with a non-zero count, sorted by name (ordinal), and their
/// counts, two arrays of equal length. A clock read off the wire is checked with
/// <see cref="TryValidate"/> before use: a malformed one is an error to report, never a clock to compute with.
/// </remarks>
[GenerateSerializer, Immutable, Alias("partisan.VectorClock")]
internal sealed class VectorClock : IEquatable<VectorClock>
{
    /// <summary>The clock with every count zero.</summary>
    public static readonly VectorClock Empty = new(ImmutableArray<NodeName>.Empty, ImmutableArray<long>.Empty);

    private VectorClock(ImmutableArray<NodeName> nodes, ImmutableArray<long> counts)
    {
        Nodes = nodes;
        Counts = counts;
    }

    /// <summary>The nodes with a non-zero count, sorted by name.</summary>
    [Id(0)]
    public ImmutableArray<NodeName> Nodes { get; }

    /// <summary>Their counts, each more than zero.</summary>
    [Id(1)]
    public ImmutableArray<long> Counts { get; }

    /// <summary>How many nodes have a non-zero count.</summary>
    public int Count => Nodes.IsDefault ? 0 : Nodes.Length;

    /// <summary>The count of <paramref name="node"/>; zero if the clock does not name it.</summary>
    public long this[NodeName node]
    {
        get
        {
            var index = IndexOf(node);
            return index >= 0 ? Counts[index] : 0;
        }
    }

    /// <summary>Builds a clock from counts in any order; zero counts are left out.</summary>
    /// <exception cref="ArgumentException">A node is named twice, is empty, or has a negative count.</exception>
    public static VectorClock From(IEnumerable<KeyValuePair<NodeName, long>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var entries = counts.ToList();
        foreach (var (node, count) in entries)
        {
            if (node.IsEmpty)
            {
                throw new ArgumentException("A vector clock cannot count the empty node name.", nameof(counts));
            }

            if (count < 0)
            {
                throw new ArgumentException($"A vector clock's count is never negative; {node} has {count}.", nameof(counts));
            }
        }

        entries.Sort((a, b) => a.Key.CompareTo(b.Key));
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Key == entries[i - 1].Key)
            {
                throw new ArgumentException($"Node {entries[i].Key} is counted twice.", nameof(counts));
            }
        }

        entries.RemoveAll(e => e.Value == 0);
        return entries.Count == 0 ? Empty : new VectorClock([.. entries.Select(e => e.Key)], [.. entries.Select(e => e.Value)]);
    }

    /// <summary>Whether this clock, as read off the wire, is well formed; <paramref name="problem"/> says why not.</summary>
    public bool TryValidate(out string? problem)
    {
        if (Nodes.IsDefault != Counts.IsDefault || (!Nodes.IsDefault && Nodes.Length != Counts.Length))
        {
            problem = "its nodes and counts differ in length";
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (Nodes[i].IsEmpty)
            {
                problem = "it counts the empty node name";
                return false;
            }

            if (Counts[i] <= 0)
            {
                problem = $"node {Nodes[i]} has the count {Counts[i]}; a clock lists only positive counts";
                return false;
            }

            if (i > 0 && Nodes[i - 1].CompareTo(Nodes[i]) >= 0)
            {
                problem = $"its nodes are not sorted and distinct ({Nodes[i - 1]} before {Nodes[i]})";
                return false;
            }
        }

        problem = null;
        return true;
    }

    /// <summary>This clock with the count of <paramref name="node"/> one more (a local event of that node).</summary>
    public VectorClock Increment(NodeName node) => With(node, this[node] + 1);

    /// <summary>This clock with the count of <paramref name="node"/> set to <paramref name="count"/> (zero drops the node).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public VectorClock With(NodeName node, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (node.IsEmpty)
        {
            throw new ArgumentException("A vector clock cannot count the empty node name.", nameof(node));
        }

        var index = IndexOf(node);
        if (index >= 0)
        {
            if (count == Counts[index])
            {
                return this;
            }

            return count == 0
                ? new VectorClock(Nodes.RemoveAt(index), Counts.RemoveAt(index))
                : new VectorClock(Nodes, Counts.SetItem(index, count));
        }

        if (count == 0)
        {
            return this;
        }

        var at = ~index;
        return new VectorClock(Nodes.IsDefault ? [node] : Nodes.Insert(at, node), Counts.IsDefault ? [count] : Counts.Insert(at, count));
    }

    /// <summary>The entry-wise maximum of the two clocks (what a node knows after learning the other's history).</summary>
    public VectorClock Merge(VectorClock other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0 || ReferenceEquals(this, other))
        {
            return this;
        }

        if (Count == 0)
        {
            return other;
        }

        var order = Compare(other);
        if (order is ClockOrder.Equal or ClockOrder.After)
        {
            return this;
        }

        if (order == ClockOrder.Before)
        {
            return other;
        }

        var nodes = ImmutableArray.CreateBuilder<NodeName>(Count + other.Count);
        var counts = ImmutableArray.CreateBuilder<long>(Count + other.Count);
        int i = 0, j = 0;
        while (i < Count || j < other.Count)
        {
            var byName = i == Count ? 1 : j == other.Count ? -1 : Nodes[i].CompareTo(other.Nodes[j]);
            if (byName < 0)
            {
                nodes.Add(Nodes[i]);
                counts.Add(Counts[i++]);
            }
            else if (byName > 0)
            {
                nodes.Add(other.Nodes[j]);
                counts.Add(other.Counts[j++]);
            }
            else
            {
                nodes.Add(Nodes[i]);
                counts.Add(Math.Max(Counts[i++], other.Counts[j++]));
            }
        }

        return new VectorClock(nodes.DrainToImmutable(), counts.DrainToImmutable());
    }

    /// <summary>How this clock relates to <paramref name="other"/>: equal, before, after or concurrent.</summary>
    public ClockOrder Compare(VectorClock other)
    {
        ArgumentNullException.ThrowIfNull(other);
        bool less = false, more = false;
        int i = 0, j = 0;
        while ((i < Count || j < other.Count) && !(less && more))
        {
            var byName = i == Count ? 1 : j == other.Count ? -1 : Nodes[i].CompareTo(other.Nodes[j]);
            if (byName < 0)
            {
                more = true; // counted here, zero there
                i++;
            }
            else if (byName > 0)
            {
                less = true;
                j++;
            }
            else
            {
                var difference = Counts[i++].CompareTo(other.Counts[j++]);
                less |= difference < 0;
                more |= difference > 0;
            }
        }

        return (less, more) switch
        {
            (false, false) => ClockOrder.Equal,
            (true, false) => ClockOrder.Before,
            (false, true) => ClockOrder.After,
            _ => ClockOrder.Concurrent,
        };
    }

    /// <summary>Whether every count of this clock is at most <paramref name="other"/>'s (before or equal).</summary>
    public bool IsAtMost(VectorClock other) => Compare(other) is ClockOrder.Before or ClockOrder.Equal;

    /// <summary>This clock without <paramref name="node"/> (a node that left).</summary>
    public VectorClock Without(NodeName node)
    {
        var index = IndexOf(node);
        return index < 0 ? this : new VectorClock(Nodes.RemoveAt(index), Counts.RemoveAt(index));
    }

    /// <summary>This clock without the nodes <paramref name="drop"/> picks.</summary>
    public VectorClock Without(Func<NodeName, bool> drop)
    {
        ArgumentNullException.ThrowIfNull(drop);
        if (Count == 0 || !Nodes.Any(drop))
        {
            return this;
        }

        var kept = Enumerable.Range(0, Count).Where(i => !drop(Nodes[i])).ToList();
        return kept.Count == 0 ? Empty : new VectorClock([.. kept.Select(i => Nodes[i])], [.. kept.Select(i => Counts[i])]);
    }

    /// <summary>The non-zero counts, by node name.</summary>
    public IEnumerable<KeyValuePair<NodeName, long>> Entries
    {
        get
        {
            for (var i = 0; i < Count; i++)
            {
                yield return new(Nodes[i], Counts[i]);
            }
        }
    }

    /// <inheritdoc />
    public bool Equals(VectorClock? other) => other is not null && Compare(other) == ClockOrder.Equal;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as VectorClock);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < Count; i++)
        {
            hash.Add(Nodes[i]);
            hash.Add(Counts[i]);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(Nodes[i]).Append(':').Append(Counts[i]);
        }

        return text.Append('}').ToString();
    }

    /// <summary>Builds a clock from arrays already sorted, distinct and positive (the caller guarantees it).</summary>
    internal static VectorClock FromSorted(ImmutableArray<NodeName> nodes, ImmutableArray<long> counts)
        => nodes.Length == 0 ? Empty : new VectorClock(nodes, counts);

    private int IndexOf(NodeName node)
    {
        if (Count == 0)
        {
            return ~0;
        }

        int low = 0, high = Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var byName = Nodes[middle].CompareTo(node);
            if (byName == 0)
            {
                return middle;
            }

            if (byName < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
