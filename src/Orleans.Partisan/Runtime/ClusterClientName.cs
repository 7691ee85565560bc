namespace Orleans.Partisan.Runtime;

/// <summary>The names of Orleans clients' overlay nodes: <c>client:</c> and a fresh GUID per client process start, which no silo's name can be (a silo's starts with its IP address).</summary>
internal static class ClusterClientName
{
    private const string Prefix = "client:";

    /// <summary>A new client node name.</summary>
    public static NodeName Create() => new(Prefix + Guid.NewGuid().ToString("N"));

    /// <summary>Whether <paramref name="node"/> is the name of a client node.</summary>
    public static bool IsClient(NodeName node) => node.Value?.StartsWith(Prefix, StringComparison.Ordinal) == true;
}
