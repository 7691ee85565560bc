using Microsoft.Extensions.Options;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Grains;

/// <summary>Serves <see cref="IPeerServiceManagerGrain"/> from the silo's overlay node.</summary>
[SiloPinnedPlacement]
internal sealed class PeerServiceManagerGrain(PartisanNode partisan, IOptions<PartisanOptions> options) : Grain, IPeerServiceManagerGrain
{
    public Task<NodeSpec> GetNodeSpec() => Task.FromResult(partisan.Spec);

    public Task<IReadOnlyList<NodeSpec>> GetMembers()
        => Task.FromResult<IReadOnlyList<NodeSpec>>(partisan.GetNodes(NodeSelection.Known).Select(n => partisan.GetNodeSpec(n)).OfType<NodeSpec>().ToList());

    public Task<IReadOnlyList<NodeName>> GetNodes(NodeSelection selection) => Task.FromResult(partisan.GetNodes(selection));

    public Task<IReadOnlyList<ConnectionInfo>> GetConnections() => Task.FromResult(partisan.GetConnections());

    public Task<PeerServiceViews> GetViews() => partisan.GetViewsAsync();

    public Task<bool> IsFullyConnected(NodeName node) => Task.FromResult(partisan.IsFullyConnected(node));

    public Task JoinThrough(NodeSpec contact) => partisan.RejoinAsync(contact);

    public async Task<bool> CanReach(NodeSpec node) => await partisan.ProbeAsync(node, options.Value.FailureDetection.ProbeTimeout, CancellationToken.None) == ProbeOutcome.Reached;
}
