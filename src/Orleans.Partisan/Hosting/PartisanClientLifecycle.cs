using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>
/// Starts an Orleans client's overlay node once the client is connected (<see cref="ServiceLifecycleStage.Active"/>):
/// binds its listener, learns the silos' overlay nodes from the cluster (the management grain's active silos, each
/// silo's peer-service-manager grain) and waits until a silo has taken the node on as a client; disposes it as the
/// client closes.
/// </summary>
/// <remarks>
/// While the client runs, its node is checked every <see cref="PartisanClientOptions.RenewInterval"/>; once it has had no
/// gateway for <see cref="PartisanOptions.ConnectTimeout"/>, it learns the active silos from the cluster again, so a client
/// whose known silos are all gone finds the new ones (its gateways' welcomes, its only other source, stopped with them).
/// A single lost gateway needs none of this: the peer service moves to another silo of the last welcome at once.
/// </remarks>
internal sealed class PartisanClientLifecycle(
    PartisanNode node,
    IGrainFactory grains,
    IOptions<PartisanOptions> options,
    TimeProvider time,
    ILogger<PartisanClientLifecycle> logger) : ILifecycleParticipant<IClusterClientLifecycle>
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RediscoverAfter = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;

    public void Participate(IClusterClientLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(PartisanClientLifecycle), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        _stopping.Dispose();
        await node.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Learns the silos from the cluster again whenever the node has had no gateway for the connect timeout.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        long? detachedSince = null;
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.Client.RenewInterval, time, cancellationToken).ConfigureAwait(false);
                if (node.IsAttached)
                {
                    detachedSince = null;
                    continue;
                }

                detachedSince ??= time.GetTimestamp();
                if (time.GetElapsedTime(detachedSince.Value) >= options.Value.ConnectTimeout)
                {
                    await DiscoverAsync(cancellationToken).ConfigureAwait(false);
                    detachedSince = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await node.StartAsync(cancellationToken).ConfigureAwait(false);
        var timeout = options.Value.Client.AttachTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!node.IsAttached)
            {
                await DiscoverAsync(deadline.Token).ConfigureAwait(false);
                var asked = time.GetTimestamp();
                while (!node.IsAttached && time.GetElapsedTime(asked) < RediscoverAfter)
                {
                    await Task.Delay(Poll, time, deadline.Token).ConfigureAwait(false);
                }
            }

            _watching = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The client's overlay node {node.Name} was not taken on by any silo within Client.AttachTimeout ({timeout}): check that the silos run AddPartisan and can dial {string.Join(", ", node.Spec.ListenAddresses)} (ListenAddress, ListenPort).");
        }
    }

    /// <summary>Learns the node spec of every active silo that answers; the client's peer service attaches to them.</summary>
    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var silo in hosts.Keys)
            {
                try
                {
                    var spec = await grains.GetPeerServiceManager(silo).GetNodeSpec().WaitAsync(cancellationToken).ConfigureAwait(false);
                    await node.AddMemberAsync(spec).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    ClientLog.DiscoveryFailed(logger, node.Name, $"{silo}: {exception.Message}");
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ClientLog.DiscoveryFailed(logger, node.Name, exception.Message);
        }
    }
}
