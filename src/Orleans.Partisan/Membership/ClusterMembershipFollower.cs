using Microsoft.Extensions.Logging;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Membership;

/// <summary>
/// Keeps the overlay's membership in step with Orleans' cluster membership: a dead silo's node is
/// removed; an active silo's node (its spec asked from its peer-service-manager grain) is joined —
/// every one of them by a full mesh and a client-server server, by a partial-view peer service only
/// while this node knows no other, since one contact is how such an overlay is joined, and by a
/// client-server client none (the servers join it, and it learns the members from them).
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
                MembershipLog.FollowFailed(logger, exception);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ApplyAsync(ClusterMembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        var active = new List<SiloAddress>();
        foreach (var (silo, member) in snapshot.Members)
        {
            if (silo.Equals(localSilo.SiloAddress))
            {
                continue;
            }

            if (member.Status == SiloStatus.Active)
            {
                active.Add(silo);
            }
            else if (member.Status == SiloStatus.Dead && _joined.Remove(silo) | node.GetNodeSpec(silo.GetNodeName()) is not null)
            {
                MembershipLog.FollowDead(logger, silo);
                await node.LeaveAsync(silo.GetNodeName(), cancellationToken).ConfigureAwait(false);
            }
        }

        var contacts = node.Following switch
        {
            MembershipFollowing.EveryMember => active.Where(s => !_joined.Contains(s)).ToList(),
            MembershipFollowing.OneContact => PartialViewContact(active),
            _ => [],
        };
        foreach (var silo in contacts)
        {
            var spec = await GetSpecAsync(silo, cancellationToken).ConfigureAwait(false);
            if (spec is not null)
            {
                MembershipLog.FollowJoin(logger, silo, spec);
                await node.AddMemberAsync(spec).ConfigureAwait(false);
                _joined.Add(silo);
            }
        }
    }

    /// <summary>
    /// A partial-view overlay is joined through one contact, and only while this node knows no other.
    /// The contact is the oldest active silo, so every silo joins the component the first one started
    /// (joining through any silo could make islands of silos that joined through each other while
    /// starting together); the oldest silo itself waits for the others.
    /// </summary>
    private List<SiloAddress> PartialViewContact(List<SiloAddress> active)
    {
        if (active.Count == 0 || node.GetNodes(NodeSelection.Known).Count > 1)
        {
            return [];
        }

        var oldest = active.Append(localSilo.SiloAddress).MinBy(s => (s.Generation, s.ToParsableString()))!;
        return oldest.Equals(localSilo.SiloAddress) ? [] : [oldest];
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

                MembershipLog.SpecLookupFailed(logger, exception, silo, attempt);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
