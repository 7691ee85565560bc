using System.Diagnostics.Metrics;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// The static peer service on real sockets: listed nodes connect without a join, a stopped node's successor at its
/// endpoint is found and connected, a node that is not listed is refused, and a node not in its own list does not start.
/// </summary>
[Collection("Runtime")]
public sealed class StaticRuntimeTests
{
    [Fact]
    public async Task Listed_nodes_connect_without_a_join_and_a_restarted_member_is_found_again_under_its_new_name()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => SafePorts.Take()).ToArray();
        await using var nodes = new PeerServiceNodes();
        var a = await nodes.StartStaticAsync(ports[0], ports);
        var b = await nodes.StartStaticAsync(ports[1], ports);
        var c = await nodes.StartStaticAsync(ports[2], ports);
        await TestNodes.WaitUntilAsync(
            () => new[] { a, b, c }.All(n => new[] { a, b, c }.Where(o => o != n).All(o => n.IsFullyConnected(o.Name))),
            () => "three listed nodes fully connected; " + string.Join("; ", new[] { a, b, c }.Select(TestNodes.Known)));

        // Members are never removed: removing b at a changes nothing.
        await a.LeaveAsync(b.Name);
        Assert.True(a.IsFullyConnected(b.Name));
        Assert.Contains(b.Name, a.GetNodes(NodeSelection.Known));

        using var watching = new CancellationTokenSource(TestNodes.Timeout);
        var events = new List<NodeEvent>();
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in a.WatchNodesAsync(watching.Token))
                {
                    lock (events)
                    {
                        events.Add(e);
                    }
                }
            }
            catch (OperationCanceledException) when (watching.IsCancellationRequested)
            {
            }
        });

        await nodes.StopAsync(c);
        await TestNodes.WaitUntilAsync(() => !a.IsConnected(c.Name) && !a.GetNodes(NodeSelection.Known).Contains(c.Name), () => $"c gone at a; {TestNodes.Known(a)}");

        var successor = await nodes.StartStaticAsync(ports[2], ports);
        await TestNodes.WaitUntilAsync(
            () => a.IsFullyConnected(successor.Name) && b.IsFullyConnected(successor.Name) && successor.IsFullyConnected(a.Name) && successor.IsFullyConnected(b.Name),
            () => $"the successor at c's endpoint connected both ways; {TestNodes.Known(a)}; {TestNodes.Known(successor)}");
        await TestNodes.WaitUntilAsync(() => { lock (events) { return events.Any(e => e.Kind == NodeEventKind.Up && e.Node == successor.Name); } }, () => "nodeup of the successor at a");

        await watching.CancelAsync();
        await watcher;
        lock (events)
        {
            Assert.Contains(events, e => e.Kind == NodeEventKind.Down && e.Node == c.Name);
        }

        Assert.Equal(new[] { a.Name, b.Name, successor.Name }.Order(), a.GetNodes(NodeSelection.Known));
    }

    [Fact]
    public async Task A_node_that_is_not_listed_is_refused_and_counted()
    {
        var ports = Enumerable.Range(0, 2).Select(_ => SafePorts.Take()).ToArray();
        var strangerPort = SafePorts.Take();
        using var refused = new RefusalCounter();
        await using var nodes = new PeerServiceNodes();
        var a = await nodes.StartStaticAsync(ports[0], ports);

        // The stranger lists a (so it dials it), but a does not list the stranger.
        var stranger = await nodes.StartStaticAsync(strangerPort, [strangerPort, ports[0]]);

        await TestNodes.WaitUntilAsync(() => refused.NotListed > 0, () => "a refusal with reason not_listed");
        Assert.False(stranger.IsConnected(a.Name));
        Assert.DoesNotContain(a.GetConnections(), c => c.Peer == stranger.Name);
    }

    [Fact]
    public async Task A_node_whose_own_endpoint_is_not_listed_does_not_start()
    {
        var ports = Enumerable.Range(0, 2).Select(_ => SafePorts.Take()).ToArray();
        await using var nodes = new PeerServiceNodes();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => nodes.StartStaticAsync(ports[0], [ports[1]]));

        Assert.Contains("is not among them", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Counts <see cref="PartisanMetrics.ConnectionsRefused"/> with reason <c>not_listed</c> while alive.</summary>
    private sealed class RefusalCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _notListed;

        public RefusalCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PartisanMetrics.MeterName && instrument.Name == PartisanMetrics.ConnectionsRefused)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "reason", Value: "not_listed" })
                    {
                        Interlocked.Add(ref _notListed, value);
                    }
                }
            });
            _listener.Start();
        }

        public long NotListed => Interlocked.Read(ref _notListed);

        public void Dispose() => _listener.Dispose();
    }
}
