using Microsoft.Extensions.Logging;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>
/// Keeps the overlay's membership in step with Orleans' cluster membership: a dead silo's node is
/// removed; an active silo's node (its spec asked from its peer-service-manager grain) is joined —
/// every one of them by a full mesh, and by a partial-view peer service only while this node knows
/// no other, since one contact is how such an overlay is joined.
/// </summary>
internal sealed class ClusterMembershipFollower(
    PartisanNode node,
    IClusterMembershipService membership,
    IGrainFactory grainFactory,
    ILocalSiloDetails localSilo,
    TimeProvider time,
    ILogger<ClusterMembershipFollower> logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly HashSet<SiloAddress> _joined = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ApplyAsync(membership.CurrentSnapshot, cancellationToken).ConfigureAwait(false);
                await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await ApplyAsync(snapshot, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                HostingLog.FollowFailed(logger, exception);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ApplyAsync(ClusterMembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var (silo, member) in snapshot.Members)
        {
            if (silo.Equals(localSilo.SiloAddress))
            {
                continue;
            }

            if (member.Status == SiloStatus.Active && !_joined.Contains(silo) && (node.JoinsEveryMember || node.GetNodes(NodeSelection.Known).Count <= 1))
            {
                var spec = await GetSpecAsync(silo, cancellationToken).ConfigureAwait(false);
                if (spec is not null)
                {
                    HostingLog.FollowJoin(logger, silo, spec);
                    await node.AddMemberAsync(spec).ConfigureAwait(false);
                    _joined.Add(silo);
                }
            }
            else if (member.Status == SiloStatus.Dead && _joined.Remove(silo) | node.GetNodeSpec(silo.GetNodeName()) is not null)
            {
                HostingLog.FollowDead(logger, silo);
                await node.LeaveAsync(silo.GetNodeName(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Asks the silo for its node spec, retrying while it is active; null once it is not.</summary>
    private async Task<NodeSpec?> GetSpecAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grainFactory.GetPeerServiceManager(silo).GetNodeSpec().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                if (membership.CurrentSnapshot.GetSiloStatus(silo) != SiloStatus.Active)
                {
                    return null;
                }

                HostingLog.SpecLookupFailed(logger, exception, silo, attempt);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
