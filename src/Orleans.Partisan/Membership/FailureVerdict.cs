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

    /// <summary>
    /// Enough silos failed to reach it and none reached it, but this silo's own dial got no answer rather than a
    /// refusal, and the check before did not find it so: frozen, or stalled for a moment. It is checked again at once,
    /// and declared dead if that check finds it as silent.
    /// </summary>
    Silent,
}
