using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;

namespace Orleans.Partisan.Aspire.Hosting;

/// <summary>
/// The seeds of an Aspire app's storage-free Orleans clustering (<c>Orleans.Partisan.Clustering</c>), and the
/// clustering provider that hands them to an Orleans resource: pass the group to
/// <c>OrleansService.WithClustering</c>. Every silo and client that references that Orleans resource then gets
/// <c>Orleans:Clustering:ProviderType = Partisan</c> and <c>Seeds</c> (the consensus endpoint of every seed, in the
/// order the seeds were added), and each seed also its own <c>ConsensusEndpoint</c>.
/// </summary>
/// <remarks>
/// A seed is a resource of its own with one replica (<c>WithPartisanSeed</c>): Raft needs each seed to know its
/// own endpoint and every member to know the whole seed list before it starts, and the replicas of one resource
/// share one environment. The consensus endpoints are not proxied and have fixed ports, because a seed listens on
/// exactly the endpoint the others dial, and also on that port plus <see cref="ServicePortOffset"/>.
/// The configuration is checked when it is emitted, that is when the app starts or its manifest is written.
/// </remarks>
public sealed class PartisanSeedGroup : IProviderConfiguration
{
    /// <summary>The value of <c>Orleans:Clustering:ProviderType</c> that selects storage-free clustering.</summary>
    public const string ProviderType = "Partisan";

    /// <summary>The name of the endpoint a seed gets for its consensus port (Raft traffic between the seeds).</summary>
    public const string ConsensusEndpointName = "consensus";

    /// <summary>The name of the endpoint a seed gets for its table service port (table requests from every silo and client).</summary>
    public const string TableServiceEndpointName = "table-service";

    /// <summary>The first seed's consensus port unless the group is given another: 11200.</summary>
    public const int DefaultBasePort = 11200;

    /// <summary>
    /// How far above its consensus port a seed serves table requests: 1, the default of
    /// <c>PartisanClusteringOptions.ServicePortOffset</c>, emitted to every silo and client so that no other
    /// configuration source can disagree.
    /// </summary>
    public const int ServicePortOffset = 1;

    private readonly List<PartisanSeed> _seeds = [];
    private string? _dataDirectory;

    /// <summary>Creates an empty group whose seeds take consensus ports from <paramref name="basePort"/> up.</summary>
    /// <param name="basePort">
    /// The first seed's consensus port; the seed added <c>i</c>-th (from 0) gets <c>basePort + 2 i</c> and
    /// <c>basePort + 2 i + 1</c> for its table service, unless it is given a port of its own. From 1 to 65534
    /// (a seed whose ports would pass 65535 is refused when it is added).
    /// </param>
    public PartisanSeedGroup(int basePort = DefaultBasePort)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(basePort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(basePort, 65535 - ServicePortOffset);
        BasePort = basePort;
    }

    /// <summary>The first seed's consensus port (see the constructor).</summary>
    public int BasePort { get; }

    /// <summary>
    /// The folder under which each seed keeps its Raft log and table snapshots, in a subfolder named after the seed's
    /// resource; <see langword="null"/> (the default) leaves <c>PartisanClusteringOptions.DataDirectory</c> to the
    /// package's default, a folder under the user's local application data named after the seed's endpoint.
    /// </summary>
    public string? DataDirectory
    {
        get => _dataDirectory;
        internal set => _dataDirectory = value is null ? null : Path.GetFullPath(value);
    }

    /// <summary>The seeds' resources, in the order they were added (the order of <c>Seeds</c>).</summary>
    public IReadOnlyList<IResourceWithEndpoints> Seeds => [.. _seeds.Select(s => s.Resource)];

    /// <summary>The consensus port the next seed added without a port of its own gets.</summary>
    internal int NextPort => BasePort + (2 * _seeds.Count);

    /// <summary>
    /// Adds <paramref name="resource"/> as a seed listening on <paramref name="port"/> (consensus) and the port above
    /// it (table service); throws when it is already a seed.
    /// </summary>
    internal void Add(IResourceWithEndpoints resource, EndpointReference consensus, int port)
    {
        if (_seeds.Any(s => ReferenceEquals(s.Resource, resource)))
        {
            throw new InvalidOperationException($"Resource '{resource.Name}' is already a seed of this Partisan seed group.");
        }

        _seeds.Add(new PartisanSeed(resource, consensus, port));
    }

    /// <summary>
    /// Emits, when the environment of <paramref name="resourceBuilder"/>'s resource is evaluated, the provider type,
    /// the seeds and the table service offset under <c>Orleans:{configSectionPath}</c>, and on a seed its own
    /// consensus endpoint (and data directory when <see cref="DataDirectory"/> is set).
    /// </summary>
    /// <typeparam name="T">The type of the silo or client resource.</typeparam>
    /// <param name="resourceBuilder">A silo or client of the Orleans resource this group is the clustering of.</param>
    /// <param name="configSectionPath">The section under <c>Orleans</c>: <c>Clustering</c>.</param>
    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configSectionPath)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(resourceBuilder);
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        var prefix = "Orleans__" + configSectionPath.Replace(":", "__", StringComparison.Ordinal) + "__";
        var resource = resourceBuilder.Resource;
        resourceBuilder.WithEnvironment(context => Emit(context.EnvironmentVariables, resource, prefix));
    }

    private void Emit(IDictionary<string, object> environment, IResource resource, string prefix)
    {
        Validate();
        environment[prefix + "ProviderType"] = ProviderType;
        for (var i = 0; i < _seeds.Count; i++)
        {
            environment[prefix + "Seeds__" + i.ToString(CultureInfo.InvariantCulture)] = _seeds[i].HostAndPort;
        }

        environment[prefix + "ServicePortOffset"] = ServicePortOffset.ToString(CultureInfo.InvariantCulture);
        if (_seeds.FirstOrDefault(s => ReferenceEquals(s.Resource, resource)) is { } own)
        {
            environment[prefix + "ConsensusEndpoint"] = own.HostAndPort;
            if (_dataDirectory is { } root)
            {
                environment[prefix + "DataDirectory"] = Path.Combine(root, resource.Name);
            }
        }
    }

    /// <summary>Throws, naming the fix, when the group cannot form a Raft group: no seed, a replicated seed, a port used twice.</summary>
    private void Validate()
    {
        if (_seeds.Count == 0)
        {
            throw new InvalidOperationException(
                "The Partisan seed group has no seed: mark three (or five) silo resources as seeds with WithPartisanSeed(group).");
        }

        foreach (var seed in _seeds)
        {
            if (seed.Resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) && replicas.Replicas > 1)
            {
                throw new InvalidOperationException(
                    $"Partisan seed '{seed.Resource.Name}' has {replicas.Replicas} replicas: a seed needs an endpoint of its own, so it must have one replica. Add one resource per seed instead.");
            }
        }

        var ports = _seeds.SelectMany(s => new[] { (s.Resource.Name, Port: s.Port), (s.Resource.Name, Port: s.Port + ServicePortOffset) })
            .GroupBy(p => p.Port)
            .FirstOrDefault(g => g.Count() > 1);
        if (ports is not null)
        {
            throw new InvalidOperationException(
                $"Partisan seeds {string.Join(" and ", ports.Select(p => $"'{p.Name}'").Distinct())} both listen on port {ports.Key} (each seed uses its consensus port and the port above it): give them ports at least 2 apart.");
        }
    }
}
