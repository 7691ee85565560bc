using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Orleans.Partisan.Aspire.Hosting;

namespace Orleans.Partisan;

/// <summary>
/// Storage-free Orleans clustering in an Aspire app host: <see cref="AddPartisanClustering"/> makes the seed group,
/// <see cref="WithPartisanSeed"/> makes a silo resource one of its seeds, and the group passed to
/// <c>OrleansService.WithClustering</c> configures every silo and client of that Orleans resource.
/// </summary>
public static class PartisanAspireHostingExtensions
{
    /// <summary>
    /// Creates a Partisan seed group: the clustering provider of an Orleans resource
    /// (<c>builder.AddOrleans("cluster").WithClustering(group)</c>) whose membership table lives in its seeds' Raft group.
    /// </summary>
    /// <param name="builder">The app host's builder.</param>
    /// <param name="basePort">The first seed's consensus port (see <see cref="PartisanSeedGroup(int)"/>); 11200 by default.</param>
    /// <returns>The seed group, with no seed yet.</returns>
    public static PartisanSeedGroup AddPartisanClustering(this IDistributedApplicationBuilder builder, int basePort = PartisanSeedGroup.DefaultBasePort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return new PartisanSeedGroup(basePort);
    }

    /// <summary>
    /// Keeps each seed's Raft log and table snapshots in <paramref name="path"/>/<c>{seed resource name}</c>
    /// (made absolute against the app host's working directory).
    /// </summary>
    /// <param name="group">The seed group.</param>
    /// <param name="path">The folder; it must survive restarts of the app for the table to survive them.</param>
    /// <returns>The same group.</returns>
    public static PartisanSeedGroup WithDataDirectory(this PartisanSeedGroup group, string path)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        group.DataDirectory = path;
        return group;
    }

    /// <summary>
    /// Makes the resource a seed of <paramref name="group"/>: it gets a non-proxied TCP endpoint
    /// <see cref="PartisanSeedGroup.ConsensusEndpointName"/> on its consensus port and one named
    /// <see cref="PartisanSeedGroup.TableServiceEndpointName"/> on the port above it, and its consensus endpoint joins the
    /// seed list every silo and client of the group's Orleans resource receives. Reference the Orleans resource from it
    /// as from any silo (<c>.WithReference(orleans)</c>). The resource must keep one replica.
    /// </summary>
    /// <typeparam name="T">The resource type, usually a project resource.</typeparam>
    /// <param name="builder">The seed silo's resource.</param>
    /// <param name="group">The seed group.</param>
    /// <param name="port">
    /// The consensus port; by default the group's base port plus twice the number of seeds added before this one.
    /// </param>
    /// <returns>The same resource builder.</returns>
    public static IResourceBuilder<T> WithPartisanSeed<T>(this IResourceBuilder<T> builder, PartisanSeedGroup group, int? port = null)
        where T : IResourceWithEnvironment, IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(group);
        var consensusPort = port ?? group.NextPort;
        ArgumentOutOfRangeException.ThrowIfLessThan(consensusPort, 1, nameof(port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(consensusPort, 65535 - PartisanSeedGroup.ServicePortOffset, nameof(port));

        builder
            .WithEndpoint(port: consensusPort, targetPort: consensusPort, scheme: "tcp", name: PartisanSeedGroup.ConsensusEndpointName, isProxied: false)
            .WithEndpoint(
                port: consensusPort + PartisanSeedGroup.ServicePortOffset,
                targetPort: consensusPort + PartisanSeedGroup.ServicePortOffset,
                scheme: "tcp",
                name: PartisanSeedGroup.TableServiceEndpointName,
                isProxied: false);
        group.Add(builder.Resource, builder.GetEndpoint(PartisanSeedGroup.ConsensusEndpointName), consensusPort);
        return builder;
    }
}
