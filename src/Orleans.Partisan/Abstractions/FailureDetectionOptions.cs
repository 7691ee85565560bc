namespace Orleans.Partisan;

/// <summary>
/// The overlay's failure detector, which can declare a crashed silo dead in Orleans' membership far
/// sooner than Orleans' own probes (<see cref="PartisanOptions.FailureDetection"/>).
/// </summary>
/// <remarks>
/// When a silo loses its overlay connections to another silo (at once when they close; when the other silo sends
/// nothing, not even a heartbeat, for <see cref="PartisanOptions.HeartbeatTimeout"/>, once it stays unreachable until
/// <see cref="SuspectAfter"/> after it was last heard from), this silo dials it afresh and, at the same time, asks
/// other active silos to dial it. Only when at least <see cref="Witnesses"/> silos (itself included) fail to reach
/// it and none of those asked reaches it, does it evict the silo with <c>IClusterMembershipService.TryKill</c>; when
/// the silo refused no dial but answered none (frozen, or stalled for a moment), only if a second check made at once
/// finds it as silent. One bad link is therefore no verdict, and in a cluster of fewer than <see cref="Witnesses"/> + 1
/// silos the detector never evicts (Orleans' own detection still does).
/// </remarks>
public sealed class FailureDetectionOptions
{
    /// <summary>Whether the detector runs. Default <see langword="false"/>: only Orleans' own failure detection evicts silos.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// How long another silo must stay unreachable on the overlay, counted from when it was last heard from, before this
    /// silo starts checking it, and the wait between checks that too few witnesses answered. Default 2 s; more than zero.
    /// A silo that went silent was last heard from <see cref="PartisanOptions.HeartbeatTimeout"/> (4 s) before its
    /// connections were closed, so it is checked at once; so is a silo whose connections closed (a crash refuses the
    /// check's fresh dials, a reset link does not).
    /// </summary>
    public TimeSpan SuspectAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one dial (connect and handshake) of a suspected silo may take. Default 1 s; more than zero.</summary>
    /// <remarks>
    /// A dial that gets no answer within this time counts against the suspect (a frozen silo answers nothing) unless this
    /// silo's own process ran late by half of it or more meanwhile: on a machine whose cores are overbooked (16 silo
    /// processes starting on two cores, say) every silo is starved for seconds, and a suspect that answers nothing may be
    /// alive; it is checked again later. A refused or reset connection always counts.
    /// </remarks>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many silos, this one included, must fail to reach a silo before it is declared dead; this
    /// silo asks that many others, so one that cannot answer does not block a verdict. Default 2; at least 2.
    /// </summary>
    public int Witnesses { get; set; } = 2;

    /// <summary>Every problem with these options, one sentence each naming the option and why; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SuspectAfter <= TimeSpan.Zero)
        {
            errors.Add($"SuspectAfter must be more than zero; it is {SuspectAfter}.");
        }

        if (ProbeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ProbeTimeout must be more than zero; it is {ProbeTimeout}.");
        }

        if (Witnesses < 2)
        {
            errors.Add($"Witnesses must be at least 2, so that one silo's bad link is never a verdict; it is {Witnesses}.");
        }

        return errors;
    }
}
