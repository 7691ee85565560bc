using Microsoft.Extensions.Options;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Membership;

/// <summary>Dials a suspected silo from this silo, or asks another silo over the overlay to.</summary>
internal sealed class OverlayReachability(PartisanNode node, IOptions<PartisanOptions> options) : IReachability
{
    public Task<ProbeOutcome> ProbeAsync(NodeSpec target, CancellationToken cancellationToken)
        => node.ProbeAsync(target, options.Value.FailureDetection.ProbeTimeout, cancellationToken);

    public Task<bool> CanWitnessReachAsync(SiloAddress witness, NodeSpec target, CancellationToken cancellationToken)
        => node.AskWitnessAsync(witness.GetNodeName(), target, options.Value.FailureDetection.ProbeTimeout, cancellationToken);
}
