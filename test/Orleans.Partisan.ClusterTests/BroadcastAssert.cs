using ReplicatedKeyValue;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Waits for the overlay and for the replicated key-value map, naming what was expected and what was seen.</summary>
internal static class BroadcastAssert
{
    /// <summary>Waits until the silos' overlay links (either direction) join every silo into one component.</summary>
    public static Task WaitForOverlayAsync(PartisanCluster cluster)
    {
        return Eventually.Until(
            () =>
            {
                var nodes = cluster.Nodes;
                var names = nodes.Select(n => n.Name).ToHashSet();
                var links = nodes.SelectMany(n => n.GetNodes(NodeSelection.Visible).Where(names.Contains).SelectMany(p => new[] { (n.Name, p), (p, n.Name) })).ToLookup(l => l.Item1, l => l.Item2);
                var reached = new HashSet<NodeName> { nodes[0].Name };
                var frontier = new Queue<NodeName>(reached);
                while (frontier.TryDequeue(out var next))
                {
                    foreach (var peer in links[next].Where(reached.Add))
                    {
                        frontier.Enqueue(peer);
                    }
                }

                return reached.SetEquals(names);
            },
            PartisanCluster.Timeout,
            () => "one connected overlay; seen: " + string.Join("; ", cluster.Nodes.Select(n => $"{n.Name} -> [{string.Join(",", n.GetNodes(NodeSelection.Visible))}]")));
    }

    /// <summary>Waits until every silo's copy of the map is <paramref name="expected"/>.</summary>
    public static Task ConvergedAsync(PartisanCluster cluster, Dictionary<string, string> expected)
        => ConvergedAsync(cluster, cluster.Silos.Select(s => s.SiloAddress).ToList(), expected);

    /// <summary>Waits until the copies of the map on <paramref name="silos"/> are <paramref name="expected"/>.</summary>
    public static async Task ConvergedAsync(PartisanCluster cluster, IReadOnlyList<SiloAddress> silos, Dictionary<string, string> expected)
    {
        var seen = new Dictionary<SiloAddress, IReadOnlyDictionary<string, string>>();
        await Eventually.Until(
            async () =>
            {
                foreach (var silo in silos)
                {
                    seen[silo] = await cluster.Client.GetBroadcastHandler<IReplicatedKeyValue>(silo).GetAll();
                }

                return seen.Values.All(map => map.Count == expected.Count && expected.All(e => map.TryGetValue(e.Key, out var v) && v == e.Value));
            },
            PartisanCluster.Timeout,
            () => $"every silo holding {{{Describe(expected)}}}; seen: " + string.Join("; ", seen.Select(s => $"{s.Key}: {{{Describe(s.Value)}}}")));
    }

    private static string Describe(IEnumerable<KeyValuePair<string, string>> map) => string.Join(", ", map.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
}
