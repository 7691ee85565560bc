using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Clustering.Consensus;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>
/// The seed this silo runs, if its <see cref="PartisanClusteringOptions.ConsensusEndpoint"/> is one of the seeds.
/// Starts at the first silo lifecycle stage and stops only when the host's service provider is disposed, after
/// the silo has stopped: the table outlives every silo's final membership writes, including those of the other
/// seeds stopping at the same time.
/// </summary>
internal sealed class LocalSeed : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable, IDisposable
{
    private readonly Lazy<SeedNode?> _node;

    /// <summary>Creates the holder; the seed itself is created on first use, after options validation.</summary>
    public LocalSeed(IOptions<PartisanClusteringOptions> options, Serializer serializer, ILoggerFactory loggerFactory, IOptions<PartisanTlsOptions> tls)
        => _node = new(() => Create(options.Value, serializer, loggerFactory, tls.Value is { Enabled: true } on ? on : null));

    /// <summary>This silo's seed, or <see langword="null"/> when the silo is not a seed.</summary>
    public SeedNode? Node => _node.Value;

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(LocalSeed), ServiceLifecycleStage.First, StartAsync, _ => Task.CompletedTask);

    private Task StartAsync(CancellationToken token) => Node?.StartAsync(token) ?? Task.CompletedTask;

    /// <summary>Stops the seed (Raft member and table service); its data directory stays.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_node.IsValueCreated && _node.Value is { } seed)
        {
            await seed.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the seed for a host disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The default data directory of the seed at <paramref name="endPoint"/>.</summary>
    internal static string DefaultDataDirectory(IPEndPoint endPoint)
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.GetTempPath();
        }

        var name = endPoint.ToString().Replace(':', '_').Replace('[', '_').Replace(']', '_');
        return Path.Combine(root, "Orleans.Partisan.Clustering", name);
    }

    private static SeedNode? Create(PartisanClusteringOptions o, Serializer serializer, ILoggerFactory loggerFactory, PartisanTlsOptions? tls)
    {
        if (o.ConsensusEndpoint is not { } own)
        {
            return null;
        }

        var self = SeedEndPoints.Resolve(own, nameof(o.ConsensusEndpoint));
        var seeds = o.Seeds.Select((s, i) => SeedEndPoints.Resolve(s, $"Seeds[{i}]")).ToList();
        return seeds.Contains(self)
            ? new SeedNode(self, seeds, o.DataDirectory ?? DefaultDataDirectory(self), o, serializer, loggerFactory, tls)
            : null;
    }
}
