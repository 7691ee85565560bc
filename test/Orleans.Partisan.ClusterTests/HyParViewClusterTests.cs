namespace Orleans.Partisan.ClusterTests;

/// <summary>HyParView on a 12-silo cluster: each silo is connected to its active view only, the overlay stays connected and heals.</summary>
public sealed class HyParViewClusterTests
{
    private const int MaxActive = 3;

    [Fact]
    public async Task Twelve_silos_keep_at_most_the_active_view_connected_relay_transitively_and_heal_after_stops()
    {
        await using var cluster = await PartisanCluster.StartAsync(12, o => PartisanCluster.UseSmallHyParView(o, MaxActive));

        await WaitForConnectedOverlayAsync(cluster, "after 12 joins");

        // The views keep filling up after the overlay is connected, so the connections and the visible
        // nodes are compared in one settled reading rather than one read after the other.
        string Dialled(IPartisan node) => string.Join(",", node.GetConnections().Where(c => c.Direction == ConnectionDirection.Outbound).Select(c => c.Peer).Distinct().Order());
        string Visible(IPartisan node) => string.Join(",", node.GetNodes(NodeSelection.Visible));
        await Eventually.Until(
            () => cluster.Nodes.All(n => Dialled(n) == Visible(n) && n.GetNodes(NodeSelection.Visible).Count is >= 1 and <= MaxActive),
            PartisanCluster.Timeout,
            () => $"every silo dialling exactly its 1..{MaxActive} visible neighbours; seen: " + string.Join("; ", cluster.Nodes.Select(n => $"{n.Name} dials [{Dialled(n)}] sees [{Visible(n)}]")));

        // A message from a silo to one it has no connection to is relayed over the overlay.
        var (sender, target) = cluster.Nodes.SelectMany(a => cluster.Nodes.Select(b => (a, b))).First(p => p.a.Name != p.b.Name && !p.a.IsConnected(p.b.Name));
        using var inbox = target.CreateMailbox();
        await sender.ForwardMessageAsync(target.Name, inbox.Self, new Ping("far"), new ForwardOptions { Transitive = true });
        using (var timeout = new CancellationTokenSource(PartisanCluster.Timeout))
        {
            var relayed = await inbox.ReceiveAsync(timeout.Token);
            Assert.Equal((sender.Name, "far"), (relayed.From, ((Ping)relayed.Message).Text));
        }

        // Stop three silos: their neighbours see nodedown, promote passive members and the overlay heals.
        var stopping = cluster.Silos.Skip(1).Take(3).ToList();
        var stoppingNames = stopping.Select(s => s.SiloAddress.GetNodeName()).ToHashSet();
        var watcher = cluster.Silos.Except(stopping).Select(cluster.Node).First(n => n.GetNodes(NodeSelection.Visible).Any(stoppingNames.Contains));
        var neighbour = watcher.GetNodes(NodeSelection.Visible).First(stoppingNames.Contains);
        using var watching = new CancellationTokenSource();
        var nodedown = Eventually.First(watcher.WatchNodesAsync(watching.Token), e => e.Kind == NodeEventKind.Down && e.Node == neighbour, PartisanCluster.Timeout, $"nodedown {neighbour} at {watcher.Name}");
        foreach (var silo in stopping)
        {
            await cluster.Cluster.StopSiloAsync(silo);
        }

        await nodedown;
        await WaitForConnectedOverlayAsync(cluster, "after 3 silos stopped");

        // Passive views learn of the stopped silos from Orleans' membership (they are declared dead).
        await Eventually.Until(
            () => cluster.Nodes.All(n => !n.GetNodes(NodeSelection.Known).Any(stoppingNames.Contains)),
            PartisanCluster.Timeout,
            () => "no silo still knowing a stopped one; seen: " + string.Join("; ", cluster.Nodes.Select(n => $"{n.Name} knows [{string.Join(",", n.GetNodes(NodeSelection.Known).Where(stoppingNames.Contains))}]")));
    }

    /// <summary>Waits until the active views (outbound connections) are symmetric, within bounds and form one component.</summary>
    private static Task WaitForConnectedOverlayAsync(PartisanCluster cluster, string phase)
    {
        string Describe() => string.Join("; ", cluster.Nodes.Select(n => $"{n.Name} -> [{string.Join(",", n.GetNodes(NodeSelection.Visible))}]"));
        return Eventually.Until(
            () =>
            {
                var nodes = cluster.Nodes;
                var names = nodes.Select(n => n.Name).ToHashSet();
                var views = nodes.ToDictionary(n => n.Name, n => n.GetNodes(NodeSelection.Visible).Where(names.Contains).ToHashSet());
                if (views.Values.Any(v => v.Count == 0 || v.Count > MaxActive))
                {
                    return false;
                }

                if (views.Any(v => v.Value.Any(p => !views[p].Contains(v.Key))))
                {
                    return false;
                }

                var seen = new HashSet<NodeName> { views.Keys.First() };
                var frontier = new Queue<NodeName>(seen);
                while (frontier.TryDequeue(out var next))
                {
                    foreach (var peer in views[next].Where(seen.Add))
                    {
                        frontier.Enqueue(peer);
                    }
                }

                return seen.Count == names.Count;
            },
            PartisanCluster.Timeout * 2,
            () => $"a symmetric, connected overlay with 1..{MaxActive} neighbours each {phase}; seen: {Describe()}");
    }
}
