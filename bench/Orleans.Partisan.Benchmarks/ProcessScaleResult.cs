namespace Orleans.Partisan.Benchmarks;

/// <summary>One round of <see cref="ProcessScaleExperiment"/>: one cluster of silo processes, from launch to the detections.</summary>
internal sealed record ProcessScaleResult
{
    /// <summary>Seconds from launching the three seeds until each printed READY.</summary>
    public required double SeedsReady { get; init; }

    /// <summary>Seconds from launching the other silos (all at once, once the seeds were ready) until each printed READY.</summary>
    public required double Ready { get; init; }

    /// <summary>Seconds from launching the other silos until every silo reports every silo Active.</summary>
    public required double Formed { get; init; }

    /// <summary>Seconds from launching the other silos until the overlay converged (full mesh connected, or active views filled, symmetric and connected).</summary>
    public required double Converged { get; init; }

    /// <summary>The overlay when it converged.</summary>
    public required OverlaySnapshot Overlay { get; init; }

    /// <summary>Resident memory of each silo process after formation, in MiB, sorted.</summary>
    public required IReadOnlyList<double> ResidentMiB { get; init; }

    /// <summary>The broadcasts from one root, in order.</summary>
    public required IReadOnlyList<BroadcastFigures> Broadcasts { get; init; }

    /// <summary>Seconds from SIGKILL of a silo until every survivor reported it Dead.</summary>
    public required double KillDead { get; init; }

    /// <summary>Survivors whose overlay reported the killed silo down.</summary>
    public required int KillNodeDowns { get; init; }

    /// <summary>Seconds from SIGKILL until the first survivor's overlay reported the killed silo down (NaN if none did).</summary>
    public required double KillFirstNodeDown { get; init; }

    /// <summary>Seconds from SIGSTOP of another silo until every survivor reported it Dead.</summary>
    public required double StopDead { get; init; }

    /// <summary>Survivors whose overlay reported the stopped silo down.</summary>
    public required int StopNodeDowns { get; init; }

    /// <summary>Seconds from SIGSTOP until the first survivor's overlay reported the stopped silo down (NaN if none did).</summary>
    public required double StopFirstNodeDown { get; init; }

    /// <summary>Seconds from SIGCONT until the stopped silo, declared dead, exited by itself; infinity when it had to be killed.</summary>
    public required double StopExit { get; init; }

    /// <summary>A broadcast made once both victims were dead, to the survivors.</summary>
    public required BroadcastFigures AfterFailures { get; init; }
}

/// <summary>
/// One broadcast: seconds from the root's <c>BROADCASTING</c> to the last silo's <c>DELIVERED</c> (the silos' monotonic
/// clock), the relative message redundancy RMR = m / (n - 1) - 1 with m the payload messages (GOSSIP, grafted ones
/// included) the silos sent for it, and the IHAVE batches, GRAFTs and PRUNEs they sent while it settled.
/// </summary>
internal sealed record BroadcastFigures(double LastDelivery, double MedianDelivery, double Rmr, long IHaves, long Grafts, long Prunes);
