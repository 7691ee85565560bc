namespace Orleans.Partisan;

/// <summary>
/// The name of a node of the overlay, the analogue of Erlang's <c>node()</c>.
/// </summary>
/// <remarks>
/// A name is unique per process incarnation: a silo's name is derived from its <c>SiloAddress</c>,
/// which carries the silo's generation, so a restarted silo is a new node. Names compare ordinally.
/// </remarks>
[GenerateSerializer, Immutable, Alias("partisan.NodeName")]
public readonly struct NodeName : IEquatable<NodeName>, IComparable<NodeName>
{
    /// <summary>Creates a node name.</summary>
    /// <param name="value">The name; not empty.</param>
    public NodeName(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
    }

    /// <summary>The name as a string.</summary>
    [Id(0)]
    public string Value { get; }

    /// <summary>Whether this is the default (unset) name.</summary>
    public bool IsEmpty => Value is null;

    /// <inheritdoc />
    public bool Equals(NodeName other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeName other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value is null ? 0 : StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public int CompareTo(NodeName other) => string.CompareOrdinal(Value, other.Value);

    /// <inheritdoc />
    public override string ToString() => Value ?? "<none>";

    /// <summary>Equality.</summary>
    public static bool operator ==(NodeName left, NodeName right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(NodeName left, NodeName right) => !left.Equals(right);
}
