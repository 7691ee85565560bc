using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Membership;

/// <summary>
/// Keeps a partial-view overlay (HyParView) in one piece with what only Orleans knows: the whole
/// cluster. The oldest active silo, every <see cref="HyParViewOptions.ShuffleInterval"/>, asks every
/// active silo for its overlay neighbours; for each group of silos cut off from its own (a silo left
/// with no neighbour, or an island whose views only hold each other), it asks one member to join
/// through it, which links the group back in.
/// </summary>
/// <remarks>
/// HyParView itself heals the loss of neighbours from its passive view, but cannot join two components
/// that know nothing of each other; small clusters under load can end up that way while silos start
/// together. The check costs one grain call per active silo per interval, on one silo.
/// </remarks>
internal sealed class PartialViewRepair(
    PartisanNode node,
    IClusterMembershipService membership,
    IGrainFactory grainFactory,
    ILocalSiloDetails localSilo,
    IOptions<PartisanOptions> options,
    TimeProvider time,
    ILogger<PartialViewRepair> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.HyParView.ShuffleInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                await RepairOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                MembershipLog.RepairFailed(logger, exception);
            }
        }
    }

    private async Task RepairOnceAsync(CancellationToken cancellationToken)
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        var oldest = active.MinBy(s => (s.Generation, s.ToParsableString()));
        if (oldest is null || !oldest.Equals(localSilo.SiloAddress) || active.Count < 2)
        {
            return;
        }

        var names = active.ToDictionary(s => s.GetNodeName(), s => s);
        var neighbours = new Dictionary<NodeName, IReadOnlyList<NodeName>>();
        foreach (var silo in active)
        {
            neighbours[silo.GetNodeName()] = silo.Equals(localSilo.SiloAddress)
                ? node.GetNodes(NodeSelection.Visible)
                : await grainFactory.GetPeerServiceManager(silo).GetNodes(NodeSelection.Visible).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var component in Components(neighbours).Where(c => !c.Contains(node.Name)))
        {
            var member = component.Min();
            MembershipLog.RepairJoin(logger, member, component.Count, node.Name);
            await grainFactory.GetPeerServiceManager(names[member]).JoinThrough(node.Spec).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The connected components of the overlay among the given nodes, links taken both ways.</summary>
    internal static List<HashSet<NodeName>> Components(IReadOnlyDictionary<NodeName, IReadOnlyList<NodeName>> neighbours)
    {
        var links = neighbours.Keys.ToDictionary(n => n, _ => new HashSet<NodeName>());
        foreach (var (from, tos) in neighbours)
        {
            foreach (var to in tos.Where(links.ContainsKey))
            {
                links[from].Add(to);
                links[to].Add(from);
            }
        }

        var components = new List<HashSet<NodeName>>();
        var seen = new HashSet<NodeName>();
        foreach (var start in neighbours.Keys.Order())
        {
            if (!seen.Add(start))
            {
                continue;
            }

            var component = new HashSet<NodeName> { start };
            var frontier = new Queue<NodeName>([start]);
            while (frontier.TryDequeue(out var next))
            {
                foreach (var peer in links[next].Where(seen.Add))
                {
                    component.Add(peer);
                    frontier.Enqueue(peer);
                }
            }

            components.Add(component);
        }

        return components;
    }
}
