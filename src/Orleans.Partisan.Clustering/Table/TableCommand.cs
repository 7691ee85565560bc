namespace Orleans.Partisan.Clustering.Table;

/// <summary>
/// A conditional operation on one cluster's membership table: the payload of a Raft log entry, applied
/// deterministically on every seed. <see cref="CommandId"/> makes a retried command apply once.
/// </summary>
[GenerateSerializer, Alias("partisan.clustering.TableCommand")]
internal abstract class TableCommand
{
    /// <summary>Identity of this command; a retry carries the same identity and gets the first result.</summary>
    [Id(0)] public Guid CommandId { get; init; }

    /// <summary>The cluster whose table the command changes.</summary>
    [Id(1)] public string ClusterId { get; init; } = string.Empty;
}
