namespace Orleans.Partisan.Clustering.TableService;

/// <summary>A seed's answer to a <see cref="TableRequest"/>.</summary>
[GenerateSerializer, Alias("partisan.clustering.TableResponse")]
internal sealed class TableResponse
{
    /// <summary>How the seed answered.</summary>
    [Id(0)] public TableResponseStatus Status { get; init; }

    /// <summary>The leader's table-service endpoint (<c>ip:port</c>) when <see cref="Status"/> is NotLeader and a leader is known.</summary>
    [Id(1)] public string? LeaderHint { get; init; }

    /// <summary>A command's result.</summary>
    [Id(2)] public bool Result { get; init; }

    /// <summary>A read's result.</summary>
    [Id(3)] public MembershipTableData? Data { get; init; }

    /// <summary>Why the request was not executed, for diagnostics.</summary>
    [Id(4)] public string? Reason { get; init; }
}
