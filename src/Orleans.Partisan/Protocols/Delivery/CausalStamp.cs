using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.Protocols.Delivery;

/// <summary>
/// What a causal message carries: for each destination node, the row of the sender's knowledge of how
/// many messages of the label every node had sent to that destination in the causal past of this
/// message (the message itself included in its own destination's row). The receiver reads its own row
/// to decide whether the message can be delivered, and merges every row into its knowledge, so the
/// causal past travels on (see <see cref="CausalBuffer{T}"/>).
/// </summary>
/// <remarks>
/// The wire form names each node once: <see cref="Nodes"/> sorted by name, and the non-zero cells as
/// (destination index, sender index) pairs in ascending order with their counts. A stamp read off the
/// wire is checked with <see cref="TryValidate"/> before use.
/// </remarks>
[GenerateSerializer, Immutable, Alias("partisan.CausalStamp")]
internal sealed class CausalStamp
{
    /// <summary>A stamp of the given parts, as read off the wire: unchecked (see <see cref="TryValidate"/>).</summary>
    internal CausalStamp(ImmutableArray<NodeName> nodes, ImmutableArray<int> cells, ImmutableArray<long> counts)
    {
        Nodes = nodes;
        Cells = cells;
        Counts = counts;
    }

    /// <summary>The nodes the cells refer to, sorted by name, each once.</summary>
    [Id(0)]
    public ImmutableArray<NodeName> Nodes { get; }

    /// <summary>The cells: pairs of indices into <see cref="Nodes"/>, (destination, sender), ascending.</summary>
    [Id(1)]
    public ImmutableArray<int> Cells { get; }

    /// <summary>The count of each cell: how many messages the sender had sent to the destination; more than zero.</summary>
    [Id(2)]
    public ImmutableArray<long> Counts { get; }

    /// <summary>How many (destination, sender) counts the stamp carries.</summary>
    public int CellCount => Counts.IsDefault ? 0 : Counts.Length;

    /// <summary>The stamp that counts nothing.</summary>
    public static CausalStamp Empty { get; } = new([], [], []);

    /// <summary>The stamp of <paramref name="rows"/> (destination → the senders' counts towards it).</summary>
    public static CausalStamp From(IEnumerable<KeyValuePair<NodeName, VectorClock>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var stamp = Empty;
        foreach (var (destination, row) in rows)
        {
            foreach (var (sender, count) in row.Entries)
            {
                stamp = stamp.Merge(Single(destination, sender, count));
            }
        }

        return stamp;
    }

    /// <summary>This stamp with one more message from <paramref name="sender"/> to <paramref name="destination"/>.</summary>
    public CausalStamp Increment(NodeName destination, NodeName sender)
    {
        var d = Nodes.IsDefault ? -1 : Nodes.BinarySearch(destination);
        var s = Nodes.IsDefault ? -1 : Nodes.BinarySearch(sender);
        if (d >= 0 && s >= 0)
        {
            var cell = FindCell(d, s);
            if (cell >= 0)
            {
                return new CausalStamp(Nodes, Cells, Counts.SetItem(cell, Counts[cell] + 1));
            }
        }

        return Merge(Single(destination, sender, this[destination, sender] + 1));
    }

    /// <summary>How many messages from <paramref name="sender"/> to <paramref name="destination"/> the stamp counts.</summary>
    public long this[NodeName destination, NodeName sender]
    {
        get
        {
            var d = Nodes.IsDefault ? -1 : Nodes.BinarySearch(destination);
            var s = Nodes.IsDefault ? -1 : Nodes.BinarySearch(sender);
            var cell = d >= 0 && s >= 0 ? FindCell(d, s) : -1;
            return cell >= 0 ? Counts[cell] : 0;
        }
    }

    /// <summary>The cell-wise maximum of the two stamps; this one itself when it already counts everything <paramref name="other"/> does.</summary>
    public CausalStamp Merge(CausalStamp other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.CellCount == 0 || ReferenceEquals(this, other))
        {
            return this;
        }

        if (CellCount == 0)
        {
            return other;
        }

        // The union of the two name tables, and where each table's indices go in it (order-preserving);
        // no maps when the tables are the same. Two passes: count (and return this when nothing grows),
        // then fill arrays of the exact size.
        var (names, mine, theirs) = Union(Nodes, other.Nodes);
        var (count, grew) = Walk(other, mine, theirs, null, null);
        if (!grew && names.Length == Nodes.Length)
        {
            return this;
        }

        var cells = new int[2 * count];
        var counts = new long[count];
        Walk(other, mine, theirs, cells, counts);
        return new CausalStamp(names, ImmutableCollectionsMarshal.AsImmutableArray(cells), ImmutableCollectionsMarshal.AsImmutableArray(counts));
    }

    /// <summary>Walks the cells of this stamp and <paramref name="other"/> in order, writing their maximum when given arrays; returns the cell count and whether other had more.</summary>
    private (int Count, bool Grew) Walk(CausalStamp other, int[]? mine, int[]? theirs, int[]? cells, long[]? counts)
    {
        int i = 0, j = 0, n = 0;
        var grew = false;
        while (i < CellCount || j < other.CellCount)
        {
            var a = i < CellCount ? Key(Cells, i, mine) : long.MaxValue;
            var b = j < other.CellCount ? Key(other.Cells, j, theirs) : long.MaxValue;
            long at, count;
            if (a < b)
            {
                (at, count) = (a, Counts[i++]);
            }
            else if (b < a)
            {
                (at, count) = (b, other.Counts[j++]);
                grew = true;
            }
            else
            {
                grew |= other.Counts[j] > Counts[i];
                (at, count) = (a, Math.Max(Counts[i++], other.Counts[j++]));
            }

            if (cells is not null)
            {
                cells[2 * n] = (int)(at >> 32);
                cells[(2 * n) + 1] = (int)at;
                counts![n] = count;
            }

            n++;
        }

        return (n, grew);

        static long Key(ImmutableArray<int> cells, int cell, int[]? map)
            => map is null
                ? ((long)cells[2 * cell] << 32) | (uint)cells[(2 * cell) + 1]
                : ((long)map[cells[2 * cell]] << 32) | (uint)map[cells[(2 * cell) + 1]];
    }

    /// <summary>This stamp without the cells of the nodes <paramref name="drop"/> picks, as destination or as sender.</summary>
    public CausalStamp Without(Func<NodeName, bool> drop)
    {
        ArgumentNullException.ThrowIfNull(drop);
        if (CellCount == 0 || !Nodes.Any(drop))
        {
            return this;
        }

        var stamp = Empty;
        foreach (var (destination, row) in Rows)
        {
            if (drop(destination))
            {
                continue;
            }

            foreach (var (sender, count) in row.Entries)
            {
                if (!drop(sender))
                {
                    stamp = stamp.Merge(Single(destination, sender, count));
                }
            }
        }

        return stamp;
    }

    /// <summary>Whether this stamp, as read off the wire, is well formed; <paramref name="problem"/> says why not.</summary>
    public bool TryValidate(out string? problem)
    {
        var nodeCount = Nodes.IsDefault ? 0 : Nodes.Length;
        var cellCount = Cells.IsDefault ? 0 : Cells.Length;
        if (cellCount != 2 * CellCount)
        {
            problem = $"it has {cellCount} cell indices for {CellCount} counts";
            return false;
        }

        for (var i = 0; i < nodeCount; i++)
        {
            if (Nodes[i].IsEmpty || (i > 0 && Nodes[i - 1].CompareTo(Nodes[i]) >= 0))
            {
                problem = "its nodes are not named, sorted and distinct";
                return false;
            }
        }

        for (var c = 0; c < CellCount; c++)
        {
            int destination = Cells[2 * c], sender = Cells[(2 * c) + 1];
            if ((uint)destination >= (uint)nodeCount || (uint)sender >= (uint)nodeCount)
            {
                problem = $"cell {c} refers to a node outside its {nodeCount} names";
                return false;
            }

            if (Counts[c] <= 0)
            {
                problem = $"cell {c} has the count {Counts[c]}; a stamp lists only positive counts";
                return false;
            }

            if (c > 0 && (Cells[2 * (c - 1)], Cells[(2 * (c - 1)) + 1]).CompareTo((destination, sender)) >= 0)
            {
                problem = "its cells are not in ascending order";
                return false;
            }
        }

        problem = null;
        return true;
    }

    /// <summary>The row of <paramref name="destination"/>: how many messages each node had sent to it; empty if the stamp has none.</summary>
    public VectorClock RowFor(NodeName destination)
    {
        var d = Nodes.IsDefault ? -1 : Nodes.BinarySearch(destination);
        if (d < 0)
        {
            return VectorClock.Empty;
        }

        var first = 0;
        while (first < CellCount && Cells[2 * first] < d)
        {
            first++;
        }

        var last = first;
        while (last < CellCount && Cells[2 * last] == d)
        {
            last++;
        }

        return Row(d, first, last).Row;
    }

    /// <summary>Every non-empty row, by destination in name order.</summary>
    public IEnumerable<(NodeName Destination, VectorClock Row)> Rows
    {
        get
        {
            var first = 0;
            while (first < CellCount)
            {
                var d = Cells[2 * first];
                var last = first;
                while (last < CellCount && Cells[2 * last] == d)
                {
                    last++;
                }

                yield return Row(d, first, last);
                first = last;
            }
        }
    }

    private (NodeName Destination, VectorClock Row) Row(int destination, int first, int last)
    {
        var nodes = ImmutableArray.CreateBuilder<NodeName>(last - first);
        var counts = ImmutableArray.CreateBuilder<long>(last - first);
        for (var c = first; c < last; c++)
        {
            nodes.Add(Nodes[Cells[(2 * c) + 1]]);
            counts.Add(Counts[c]);
        }

        return (Nodes[destination], VectorClock.FromSorted(nodes.MoveToImmutable(), counts.MoveToImmutable()));
    }

    private static CausalStamp Single(NodeName destination, NodeName sender, long count)
        => destination == sender
            ? new CausalStamp([destination], [0, 0], [count])
            : destination.CompareTo(sender) < 0
                ? new CausalStamp([destination, sender], [0, 1], [count])
                : new CausalStamp([sender, destination], [1, 0], [count]);

    private static (ImmutableArray<NodeName> Names, int[]? Mine, int[]? Theirs) Union(ImmutableArray<NodeName> mine, ImmutableArray<NodeName> theirs)
    {
        if (mine == theirs || mine.AsSpan().SequenceEqual(theirs.AsSpan()))
        {
            return (mine, null, null);
        }

        var names = ImmutableArray.CreateBuilder<NodeName>(mine.Length + theirs.Length);
        var toMine = new int[mine.Length];
        var toTheirs = new int[theirs.Length];
        int i = 0, j = 0;
        while (i < mine.Length || j < theirs.Length)
        {
            var order = i == mine.Length ? 1 : j == theirs.Length ? -1 : mine[i].CompareTo(theirs[j]);
            if (order <= 0)
            {
                toMine[i++] = names.Count;
            }

            if (order >= 0)
            {
                toTheirs[j++] = names.Count;
            }

            names.Add(order <= 0 ? mine[i - 1] : theirs[j - 1]);
        }

        return (names.DrainToImmutable(), toMine, toTheirs);
    }

    private int FindCell(int destination, int sender)
    {
        var key = ((long)destination << 32) | (uint)sender;
        int low = 0, high = CellCount - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var at = ((long)Cells[2 * middle] << 32) | (uint)Cells[(2 * middle) + 1];
            if (at == key)
            {
                return middle;
            }

            if (at < key)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
