namespace Orleans.Partisan.Testing;

/// <summary>Whether a set of overlay nodes has converged, and what each sees, as seen through the public API.</summary>
/// <param name="nodes">The nodes.</param>
/// <param name="shape">What converged means for their peer service.</param>
/// <param name="servers">Under <see cref="OverlayShape.ClientServer"/>, the nodes that are servers.</param>
internal sealed class OverlayConvergence(IReadOnlyList<IPartisan> nodes, OverlayShape shape, IReadOnlySet<NodeName>? servers = null)
{
    private readonly HashSet<NodeName> _names = nodes.Select(n => n.Name).ToHashSet();

    public bool HasConverged() => nodes.Count <= 1 || shape switch
    {
        OverlayShape.FullMesh => IsFullMesh(),
        OverlayShape.ClientServer => IsClientServer(),
        _ => IsConnectedPartialView(),
    };

    /// <summary>What each node knows and is connected to, for a failure message.</summary>
    public string Describe() => string.Join("; ", nodes.Select(n =>
        $"{n.Name}{(shape == OverlayShape.ClientServer ? IsServer(n.Name) ? " (server)" : " (client)" : "")} knows [{string.Join(",", n.GetNodes(NodeSelection.Known))}] connected to [{string.Join(",", n.GetNodes(NodeSelection.Visible))}]"));

    /// <summary>Each node's connected neighbours, to tell whether a partial view has stopped changing.</summary>
    public string Neighbours() => string.Join("; ", nodes.Select(n => $"{n.Name}: {string.Join(",", n.GetNodes(NodeSelection.Visible).Order())}"));

    private bool IsServer(NodeName node) => servers?.Contains(node) == true;

    private bool IsFullMesh() => nodes.All(n =>
        _names.IsSubsetOf(n.GetNodes(NodeSelection.Known)) && _names.Where(m => m != n.Name).All(n.IsFullyConnected));

    /// <summary>Every node knows every other; servers are fully connected to every node, clients to every server and to no client.</summary>
    private bool IsClientServer() => nodes.All(n =>
        _names.IsSubsetOf(n.GetNodes(NodeSelection.Known))
        && _names.Where(m => m != n.Name).All(m => IsServer(n.Name) || IsServer(m) ? n.IsFullyConnected(m) : !n.IsConnected(m)));

    private bool IsConnectedPartialView()
    {
        var views = nodes.ToDictionary(n => n.Name, n => n.GetNodes(NodeSelection.Visible).Where(_names.Contains).ToHashSet());
        if (views.Values.Any(v => v.Count == 0) || views.Any(v => v.Value.Any(p => !views[p].Contains(v.Key))))
        {
            return false;
        }

        var reached = new HashSet<NodeName> { views.Keys.First() };
        var frontier = new Queue<NodeName>(reached);
        while (frontier.TryDequeue(out var next))
        {
            foreach (var peer in views[next].Where(reached.Add))
            {
                frontier.Enqueue(peer);
            }
        }

        return reached.Count == _names.Count;
    }
}
