using System.Collections.Immutable;

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

    /// <summary>The stamp of <paramref name="rows"/> (destination → the senders' counts towards it).</summary>
    public static CausalStamp From(IEnumerable<KeyValuePair<NodeName, VectorClock>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.Where(r => r.Value.Count > 0).ToList();
        var names = new SortedSet<NodeName>();
        foreach (var (destination, row) in list)
        {
            names.Add(destination);
            foreach (var node in row.Nodes)
            {
                names.Add(node);
            }
        }

        var nodes = names.ToImmutableArray();
        var index = new Dictionary<NodeName, int>(nodes.Length);
        for (var i = 0; i < nodes.Length; i++)
        {
            index[nodes[i]] = i;
        }

        list.Sort((a, b) => a.Key.CompareTo(b.Key));
        var cells = ImmutableArray.CreateBuilder<int>();
        var counts = ImmutableArray.CreateBuilder<long>();
        foreach (var (destination, row) in list)
        {
            var d = index[destination];
            for (var i = 0; i < row.Count; i++)
            {
                cells.Add(d);
                cells.Add(index[row.Nodes[i]]);
                counts.Add(row.Counts[i]);
            }
        }

        return new CausalStamp(nodes, cells.DrainToImmutable(), counts.DrainToImmutable());
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
}
