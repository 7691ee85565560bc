namespace Orleans.Partisan.Membership;

/// <summary>What the failure detector concluded about a suspected silo.</summary>
internal enum FailureVerdict
{
    /// <summary>This silo or a witness reached it: alive, or a bad link.</summary>
    Reachable,

    /// <summary>Enough silos failed to reach it and none reached it: evict it.</summary>
    Dead,

    /// <summary>Nobody reached it, but too few silos could say so (witnesses missing or not answering).</summary>
    Unconfirmed,
}
