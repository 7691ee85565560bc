using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Membership;

/// <summary>How the failure detector tries to reach a suspected silo: from this silo, and through another one.</summary>
internal interface IReachability
{
    /// <summary>What a fresh dial of <paramref name="node"/> from this silo finds.</summary>
    Task<ProbeOutcome> ProbeAsync(NodeSpec node, CancellationToken cancellationToken);

    /// <summary>Whether the silo <paramref name="witness"/> reaches <paramref name="node"/> with a fresh dial; throws when the witness does not answer.</summary>
    Task<bool> CanWitnessReachAsync(SiloAddress witness, NodeSpec node, CancellationToken cancellationToken);
}
