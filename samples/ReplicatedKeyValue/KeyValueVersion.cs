namespace ReplicatedKeyValue;

/// <summary>
/// The version of a write: a Lamport counter, ties broken by the writing node. Also the broadcast's
/// message id: a record, so it has value equality.
/// </summary>
/// <param name="Key">The key written.</param>
/// <param name="Counter">The writer's Lamport counter at the write.</param>
/// <param name="Node">The silo that wrote it.</param>
[GenerateSerializer, Immutable, Alias("samples.kv.Version")]
public sealed record KeyValueVersion([property: Id(0)] string Key, [property: Id(1)] long Counter, [property: Id(2)] string Node)
{
    /// <summary>Whether this version supersedes <paramref name="other"/> (last writer wins).</summary>
    public bool IsNewerThan(KeyValueVersion? other)
        => other is null || Counter > other.Counter || (Counter == other.Counter && string.CompareOrdinal(Node, other.Node) > 0);
}
