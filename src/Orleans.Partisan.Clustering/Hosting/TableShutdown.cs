using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Partisan.Clustering.Membership;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>
/// Bounds what a stopping silo waits for its membership table. When the silo starts stopping (the first stage to
/// stop, <see cref="ServiceLifecycleStage.Active"/>), each table operation is bounded by
/// <see cref="PartisanClusteringOptions.ShutdownRequestTimeout"/>; when one finds no seed leading a majority, the silo
/// gives the table up and tells Orleans to stop retrying its final status writes.
/// </summary>
/// <remarks>
/// <para>Why: Orleans 10.4.2 writes a stopping silo's status (<c>ShuttingDown</c> or <c>Stopping</c>, then <c>Dead</c>)
/// with a retry loop that ends only when the write succeeds, when <see cref="ClusterMembershipOptions.MaxJoinAttemptTime"/>
/// (5 minutes by default) has passed, or when the membership agent's own one-minute bound for each of those stages
/// runs out. With the table gone (the seeds stopped first in a whole-cluster stop, or most seeds are lost) a silo
/// therefore took about two minutes to stop.</para>
/// <para>What Orleans allows: the retry loop reads <see cref="ClusterMembershipOptions.MaxJoinAttemptTime"/> at each
/// status write, so this participant lowers it, once the table is found unavailable during the stop, to the smallest
/// positive value: every later status write makes one attempt (which fails at once, the table being given up) and
/// ends after Orleans' first back-off (about a second). Before that moment nothing changes: a stopping silo whose
/// writes only conflict with other silos' writes (a whole-cluster stop) keeps retrying them as Orleans does. The
/// option is left lowered: the silo is stopping, and joining, which the option also bounds, is over.</para>
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
        table.BeginStopping(timeout, exception =>
        {
            membershipOptions.Value.MaxJoinAttemptTime = GivenUpAttemptTime;
            ClusteringHostingLog.TableGivenUp(logger, timeout, exception.Message);
        });
        return Task.CompletedTask;
    }
}
