namespace Orleans.Partisan.Clustering.TableService;

/// <summary>How a seed answered a <see cref="TableRequest"/>.</summary>
[GenerateSerializer, Alias("partisan.clustering.TableResponseStatus")]
internal enum TableResponseStatus
{
    /// <summary>Executed by the leader; the result is in the response.</summary>
    Ok = 0,

    /// <summary>This seed is not the leader; <see cref="TableResponse.LeaderHint"/> names the leader's table service when known.</summary>
    NotLeader = 1,

    /// <summary>The seed could not execute it (lost leadership mid-way, no quorum, shutting down); try another seed.</summary>
    Unavailable = 2,

    /// <summary>The request is malformed; retrying cannot help.</summary>
    Rejected = 3,
}
