using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Partisan.Clustering.Membership;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>
/// Bounds what a stopping silo waits for its membership table. When the silo starts stopping (the first stage to
/// stop, <see cref="ServiceLifecycleStage.Active"/>), each table operation is bounded by
/// <see cref="PartisanClusteringOptions.ShutdownRequestTimeout"/> and Orleans' retries of the silo's final status
/// writes by twice that; when an operation finds no seed leading a majority, the silo gives the table up and Orleans
/// makes one attempt at each later status write.
/// </summary>
/// <remarks>
/// <para>Why: Orleans 10.4.2 writes a stopping silo's status (<c>ShuttingDown</c> or <c>Stopping</c>, then <c>Dead</c>)
/// with a retry loop that ends only when the write succeeds, when <see cref="ClusterMembershipOptions.MaxJoinAttemptTime"/>
/// (5 minutes by default) has passed, or when the membership agent's own one-minute bound for each of those stages
/// runs out. With the table gone (the seeds stopped first in a whole-cluster stop, or most seeds are lost) a silo
/// therefore took about two minutes to stop.</para>
/// <para>What Orleans allows: each status write reads <see cref="ClusterMembershipOptions.MaxJoinAttemptTime"/> when it
/// starts and retries (after a back-off of one to a few seconds) until that much time has passed. So when the silo
/// starts stopping this participant lowers it to twice <see cref="PartisanClusteringOptions.ShutdownRequestTimeout"/>
/// (6 s by default), which still lets a write that conflicts with other silos' writes (a whole-cluster stop) retry
/// two or three times, and once the table is given up to the smallest positive value, so that every later write makes
/// one attempt, which fails at once. The option stays lowered: the silo is stopping, and joining, which it also
/// bounds, is over. The cost: a silo that cannot reach its table while it stops is not recorded as stopped there.</para>
/// </remarks>
internal sealed class TableShutdown(
    PartisanMembershipTable table,
    IOptions<PartisanClusteringOptions> options,
    IOptions<ClusterMembershipOptions> membershipOptions,
    ILogger<TableShutdown> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>What <see cref="ClusterMembershipOptions.MaxJoinAttemptTime"/> becomes once the table is given up: one attempt, then stop.</summary>
    internal static readonly TimeSpan GivenUpAttemptTime = TimeSpan.FromTicks(1);

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(TableShutdown), ServiceLifecycleStage.Active, _ => Task.CompletedTask, OnStopping);

    private Task OnStopping(CancellationToken cancellationToken)
    {
        var timeout = options.Value.ShutdownRequestTimeout;
        var membership = membershipOptions.Value;
        if (membership.MaxJoinAttemptTime > timeout * 2)
        {
            membership.MaxJoinAttemptTime = timeout * 2;
        }

        table.BeginStopping(timeout, exception =>
        {
            membership.MaxJoinAttemptTime = GivenUpAttemptTime;
            ClusteringHostingLog.TableGivenUp(logger, timeout, exception.Message);
        });
        return Task.CompletedTask;
    }
}
