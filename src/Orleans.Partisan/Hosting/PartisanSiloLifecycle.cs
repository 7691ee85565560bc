using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Membership;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>
/// Starts the overlay before the silo joins the cluster (<see cref="ServiceLifecycleStage.RuntimeInitialize"/>),
/// follows cluster membership once the silo is active (and has Orleans read its table again after the process stood
/// still, <see cref="StallRefresh"/>), and leaves gracefully as the silo stops, so peers see a leave rather than a failure.
/// </summary>
internal sealed class PartisanSiloLifecycle(
    PartisanNode node,
    IServiceProvider services,
    IOptions<PartisanOptions> options,
    ILogger<PartisanSiloLifecycle> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private CancellationTokenSource? _following;
    private Task? _follower;
    private Task? _detector;
    private Task? _repair;
    private Task? _stallRefresh;

    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(PartisanSiloLifecycle), ServiceLifecycleStage.RuntimeInitialize, node.StartAsync, _ => node.DisposeAsync().AsTask());
        lifecycle.Subscribe(nameof(PartisanSiloLifecycle), ServiceLifecycleStage.Active, StartFollowing, LeaveAsync);
    }

    private Task StartFollowing(CancellationToken cancellationToken)
    {
        _following = new CancellationTokenSource();
        if (options.Value.FollowClusterMembership && node.Following != MembershipFollowing.None)
        {
            var follower = ActivatorUtilities.CreateInstance<ClusterMembershipFollower>(services);
            _follower = Task.Run(() => follower.RunAsync(_following.Token));
            if (node.Following == MembershipFollowing.OneContact)
            {
                var repair = ActivatorUtilities.CreateInstance<PartialViewRepair>(services);
                _repair = Task.Run(() => repair.RunAsync(_following.Token));
            }
        }

        var stallRefresh = ActivatorUtilities.CreateInstance<StallRefresh>(services);
        _stallRefresh = Task.Run(() => stallRefresh.RunAsync(_following.Token));
        if (options.Value.FailureDetection.Enabled)
        {
            var detector = ActivatorUtilities.CreateInstance<OverlayFailureDetector>(services, ActivatorUtilities.CreateInstance<OverlayReachability>(services));
            _detector = Task.Run(() => detector.RunAsync(_following.Token));
        }

        return Task.CompletedTask;
    }

    private async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (_following is not null)
        {
            await _following.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(new[] { _follower, _detector, _repair, _stallRefresh }.OfType<Task>()).ConfigureAwait(false);
            _following.Dispose();
        }

        HostingLog.Leaving(logger, node.Name);
        await node.LeaveAsync(cancellationToken).ConfigureAwait(false);
    }
}
