using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Clustering.Consensus;
using Orleans.Partisan.Clustering.Membership;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Partisan.Tests.Shared;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// Three seeds (or another count) running in this process on loopback, each with its own temporary data
/// directory, and table handles that reach them through the table-service protocol.
/// </summary>
internal sealed class SeedGroup : IAsyncDisposable
{
    private static readonly Lazy<ServiceProvider> Services = new(() => new ServiceCollection().AddSerializer().BuildServiceProvider());
    private readonly SeedNode?[] _nodes;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "partisan-clustering-tests", Guid.NewGuid().ToString("N"));

    private readonly Func<int, PartisanTlsOptions?>? _tls;
    private readonly ILoggerFactory _loggerFactory;

    private SeedGroup(int count, Func<int, PartisanTlsOptions?>? tls = null, ILoggerFactory? loggerFactory = null)
    {
        _tls = tls;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        var ports = SafePorts.TakePairs(count);
        Options = new PartisanClusteringOptions
        {
            Seeds = [.. ports.Select(p => $"127.0.0.1:{p}")],
            RequestTimeout = TimeSpan.FromSeconds(15),
            SnapshotInterval = 50,
        };
        EndPoints = [.. ports.Select(p => new IPEndPoint(IPAddress.Loopback, p))];
        _nodes = new SeedNode?[count];
    }

    /// <summary>The options every seed and handle uses.</summary>
    public PartisanClusteringOptions Options { get; }

    /// <summary>The seeds' consensus endpoints.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>The serializer seeds and handles use.</summary>
    public static Serializer Serializer => Services.Value.GetRequiredService<Serializer>();

    /// <summary>The running seeds (null for a stopped one).</summary>
    public IReadOnlyList<SeedNode?> Nodes => _nodes;

    /// <summary>A group of <paramref name="count"/> seeds, none started.</summary>
    public static SeedGroup Create(int count = 3) => new(count);

    /// <summary>
    /// Starts <paramref name="count"/> seeds concurrently; with <paramref name="tls"/>, seed <c>i</c> secures its links with
    /// <c>tls(i)</c> (none when it returns null); its logs go to <paramref name="loggerFactory"/>.
    /// </summary>
    public static async Task<SeedGroup> StartAsync(int count = 3, Func<int, PartisanTlsOptions?>? tls = null, ILoggerFactory? loggerFactory = null)
    {
        var group = new SeedGroup(count, tls, loggerFactory);
        await Task.WhenAll(Enumerable.Range(0, count).Select(group.StartSeedAsync));
        return group;
    }

    /// <summary>Starts (or restarts, with the same data directory) seed <paramref name="index"/>.</summary>
    public async Task StartSeedAsync(int index)
    {
        Assert.Null(_nodes[index]);
        var node = new SeedNode(EndPoints[index], EndPoints, Path.Combine(_root, $"seed{index}"), Options, Serializer, _loggerFactory, _tls?.Invoke(index));
        _nodes[index] = node;
        await node.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops seed <paramref name="index"/>; its data directory stays.</summary>
    public async Task StopSeedAsync(int index)
    {
        var node = _nodes[index];
        Assert.NotNull(node);
        _nodes[index] = null;
        await node.DisposeAsync();
    }

    /// <summary>The index of the current leader, waiting for one to be elected.</summary>
    public async Task<int> LeaderAsync()
    {
        var leader = -1;
        await Eventually.Until(
            () =>
            {
                leader = Array.FindIndex(_nodes, n => n is { IsLeader: true });
                return Task.FromResult(leader >= 0);
            },
            TimeSpan.FromSeconds(20),
            () => "one seed to lead the Raft group");
        return leader;
    }

    /// <summary>
    /// A new, independently constructed table handle for <paramref name="clusterId"/>, as a silo would have one:
    /// its seed client tries seed <paramref name="firstSeed"/> first (a handle on that seed), or the seeds in
    /// reverse order when it is null (a handle on a silo that is not a seed); over TLS with <paramref name="tls"/>.
    /// </summary>
    public PartisanMembershipTable Handle(string clusterId, int? firstSeed = null, TimeSpan? requestTimeout = null, TimeSpan? startupTimeout = null, ILogger? logger = null, PartisanTlsOptions? tls = null)
    {
        var order = firstSeed is { } first
            ? Options.Seeds.Skip(first).Concat(Options.Seeds.Take(first)).ToList()
            : Options.Seeds.AsEnumerable().Reverse().ToList();
        var options = new PartisanClusteringOptions
        {
            Seeds = order,
            RequestTimeout = requestTimeout ?? Options.RequestTimeout,
            SnapshotInterval = Options.SnapshotInterval,
        };
        return new PartisanMembershipTable(new SeedClient(options, Serializer, logger ?? NullLogger.Instance, tls), clusterId, localSeed: null, startupTimeout: startupTimeout ?? options.RequestTimeout);
    }

    /// <summary>Stops every seed and deletes the data directories.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i] is not null)
            {
                await StopSeedAsync(i);
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS: the temporary directory is cleaned by the OS later.
        }
    }
}
