using System.Collections.Immutable;

namespace Orleans.Partisan.Protocols.FullMesh;

/// <summary>
/// A state-based observed-remove set: every add carries a unique <see cref="Dot"/>, a remove
/// tombstones the dots it has observed, and merge is the union of both. Merge is commutative,
/// associative and idempotent, so replicas that exchange states in any order converge, and a
/// concurrent add (a dot the remover had not seen) wins over a remove.
/// </summary>
/// <typeparam name="T">The element type, compared by value.</typeparam>
[GenerateSerializer, Immutable, Alias("partisan.fullmesh.OrSet`1")]
internal sealed class OrSet<T> : IEquatable<OrSet<T>>
    where T : IEquatable<T>
{
    public static readonly OrSet<T> Empty = new(ImmutableSortedDictionary<Dot, T>.Empty, ImmutableSortedSet<Dot>.Empty);

    public OrSet(ImmutableSortedDictionary<Dot, T> adds, ImmutableSortedSet<Dot> removed)
    {
        Adds = adds;
        Removed = removed;
    }

    /// <summary>Every add ever observed, by its dot.</summary>
    [Id(0)]
    public ImmutableSortedDictionary<Dot, T> Adds { get; }

    /// <summary>The dots of removed adds (tombstones).</summary>
    [Id(1)]
    public ImmutableSortedSet<Dot> Removed { get; }

    /// <summary>The elements with at least one add that was not removed, each once, in dot order.</summary>
    public IEnumerable<T> Elements
    {
        get
        {
            var seen = new HashSet<T>();
            foreach (var (dot, element) in Adds)
            {
                if (!Removed.Contains(dot) && seen.Add(element))
                {
                    yield return element;
                }
            }
        }
    }

    /// <summary>Whether <paramref name="element"/> is in the set.</summary>
    public bool Contains(T element) => Adds.Any(a => a.Value.Equals(element) && !Removed.Contains(a.Key));

    /// <summary>Adds <paramref name="element"/> under a dot that was never used before.</summary>
    public OrSet<T> Add(T element, Dot dot)
    {
        if (Adds.ContainsKey(dot))
        {
            throw new InvalidOperationException($"Dot {dot} was already used.");
        }

        return new OrSet<T>(Adds.Add(dot, element), Removed);
    }

    /// <summary>Removes every element matching <paramref name="match"/> by tombstoning the dots observed for it.</summary>
    public OrSet<T> Remove(Func<T, bool> match)
    {
        var removed = Removed.ToBuilder();
        foreach (var (dot, element) in Adds)
        {
            if (match(element))
            {
                removed.Add(dot);
            }
        }

        return removed.Count == Removed.Count ? this : new OrSet<T>(Adds, removed.ToImmutable());
    }

    /// <summary>The union of both states.</summary>
    public OrSet<T> Merge(OrSet<T> other)
    {
        if (ReferenceEquals(this, other))
        {
            return this;
        }

        var adds = Adds;
        foreach (var (dot, element) in other.Adds)
        {
            if (!adds.ContainsKey(dot))
            {
                adds = adds.Add(dot, element);
            }
        }

        var removed = Removed.Union(other.Removed);
        return adds == Adds && removed.Count == Removed.Count ? this : new OrSet<T>(adds, removed);
    }

    /// <inheritdoc />
    public bool Equals(OrSet<T>? other)
        => other is not null
           && Adds.Count == other.Adds.Count
           && Removed.Count == other.Removed.Count
           && Adds.Keys.SequenceEqual(other.Adds.Keys)
           && Removed.SetEquals(other.Removed);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OrSet<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Adds.Count, Removed.Count);
}
