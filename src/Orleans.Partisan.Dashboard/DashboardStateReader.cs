using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Dashboard;

/// <summary>
/// Reads the overlay of every active silo through its grains (peer-service manager, broadcaster), from a silo or a
/// client alike. A silo that does not answer within <see cref="PartisanDashboardOptions.SiloTimeout"/> is shown with an
/// error; the others are shown all the same.
/// </summary>
internal sealed class DashboardStateReader(IGrainFactory grains, PartisanDashboardOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>The active silos, as Orleans' membership lists them, each with the node name of its overlay.</summary>
    public async Task<IReadOnlyList<SiloAddress>> GetActiveSilosAsync(CancellationToken cancellationToken)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(options.SiloTimeout, time, cancellationToken).ConfigureAwait(false);
        return [.. hosts.Keys.OrderBy(s => s.GetNodeName())];
    }

    /// <summary>Reads every active silo's overlay at once.</summary>
    public async Task<DashboardState> ReadAsync(IReadOnlyList<SiloAddress> silos, CancellationToken cancellationToken)
    {
        var states = await Task.WhenAll(silos.Select(s => ReadSiloAsync(s, cancellationToken))).ConfigureAwait(false);
        return new DashboardState(time.GetUtcNow(), states, null);
    }

    private async Task<SiloState> ReadSiloAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        var node = silo.GetNodeName().Value;
        var label = silo.Endpoint.ToString();
        try
        {
            var manager = grains.GetPeerServiceManager(silo);
            var spec = manager.GetNodeSpec();
            var views = manager.GetViews();
            var members = manager.GetNodes(NodeSelection.Known);
            var connections = manager.GetConnections();
            var trees = grains.GetBroadcaster(silo).GetTrees();
            await Task.WhenAll(spec, views, members, connections, trees).WaitAsync(options.SiloTimeout, time, cancellationToken).ConfigureAwait(false);
            return new SiloState(
                node,
                label,
                silo.ToString(),
                Names(views.Result.Active),
                Names(views.Result.Passive),
                Names(members.Result),
                [.. spec.Result.Channels.Select(c => new ChannelState(c.Key, c.Value.Parallelism, c.Value.Monotonic))],
                [.. connections.Result
                    .OrderBy(c => c.Direction).ThenBy(c => c.Peer).ThenBy(c => c.Channel, StringComparer.Ordinal).ThenBy(c => c.Lane)
                    .Select(c => new ConnectionState(c.Peer.Value, c.Channel, c.Lane, c.Direction.ToString(), c.QueuedMessages))],
                [.. trees.Result.OrderBy(t => t.Root).Select(t => new TreeState(t.Root.Value, Names(t.Eager), Names(t.Lazy)))],
                null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            DashboardLog.SiloUnreadable(logger, exception, silo);
            return new SiloState(node, label, silo.ToString(), [], [], [], [], [], [], $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private static IReadOnlyList<string> Names(IEnumerable<NodeName> names) => [.. names.Order().Select(n => n.Value)];
}
