using Orleans.Partisan.Clustering.Table;

namespace Orleans.Partisan.Clustering.TableService;

/// <summary>A request from a table handle (on any silo or client) to a seed; only the Raft leader executes it.</summary>
[GenerateSerializer, Alias("partisan.clustering.TableRequest")]
internal sealed class TableRequest
{
    /// <summary>What is asked.</summary>
    [Id(0)] public TableRequestKind Kind { get; init; }

    /// <summary>The command, for <see cref="TableRequestKind.Command"/>.</summary>
    [Id(1)] public TableCommand? Command { get; init; }

    /// <summary>The cluster whose table is read, for reads.</summary>
    [Id(2)] public string ClusterId { get; init; } = string.Empty;

    /// <summary>The row read, for <see cref="TableRequestKind.ReadRow"/>.</summary>
    [Id(3)] public SiloAddress? Silo { get; init; }

    /// <summary>The request's operation, as the clustering metrics tag it (<see cref="PartisanTelemetry.ClusteringTableRequests"/>).</summary>
    public string Operation => Kind switch
    {
        TableRequestKind.ReadAll => "read-all",
        TableRequestKind.ReadRow => "read-row",
        _ => Command switch
        {
            InitializeTableCommand => "initialize",
            InsertRowCommand => "insert-row",
            UpdateRowCommand => "update-row",
            UpdateIAmAliveCommand => "update-i-am-alive",
            DeleteTableCommand => "delete",
            CleanupDefunctCommand => "cleanup-defunct",
            _ => "other",
        },
    };

    /// <inheritdoc/>
    public override string ToString() => Kind == TableRequestKind.Command ? $"{Command?.GetType().Name} on '{Command?.ClusterId}'" : $"{Kind} on '{ClusterId}'";
}
