using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// When no seed runs at all (every seed refuses the connection), the table's failure says why that usually is: no
/// silo set its ConsensusEndpoint, so none is a seed. It is logged (6006) after the first RequestTimeout of a start.
/// </summary>
public sealed class NoSeedRunningTests
{
    private static readonly Lazy<Serializer> Serializer = new(() => new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    /// <summary>A seed endpoint on loopback whose table-service port is bound but not listening: connections are refused, and nobody else can take the port meanwhile.</summary>
    private static (Socket Holder, string Seed) RefusingSeed()
    {
        var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var servicePort = ((IPEndPoint)holder.LocalEndPoint!).Port;
        return (holder, $"127.0.0.1:{servicePort - PartisanClusteringOptions.DefaultServicePortOffset}");
    }

    private static PartisanClusteringOptions Options(params string[] seeds) => new()
    {
        Seeds = seeds,
        LowerElectionTimeout = TimeSpan.FromMilliseconds(50),
        UpperElectionTimeout = TimeSpan.FromMilliseconds(100),
        // A refusal comes at once, but its answer must reach the client before the deadline on a loaded machine too.
        RequestTimeout = TimeSpan.FromSeconds(2),
    };

    private static async Task<string> FailureOfAsync(PartisanClusteringOptions options)
    {
        var client = new SeedClient(options, Serializer.Value, NullLogger.Instance);
        var error = await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(
            () => client.SendAsync(new TableRequest { Kind = TableRequestKind.ReadAll, ClusterId = "no-seed" }, CancellationToken.None));
        return error.Message;
    }

    [Fact]
    public async Task NoSiloWithConsensusEndpoint_FailureNamesTheSettingAndTheSeedOnThisHost()
    {
        var (holder, seed) = RefusingSeed();
        using (holder)
        {
            var message = await FailureOfAsync(Options(seed));

            Assert.Contains("no seed runs", message, StringComparison.Ordinal);
            Assert.Contains("has no ConsensusEndpoint", message, StringComparison.Ordinal);
            Assert.Contains($"set o.ConsensusEndpoint = \"{seed}\"", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ConsensusEndpointNotInSeeds_FailureSaysSo()
    {
        var (holder, seed) = RefusingSeed();
        using (holder)
        {
            var options = Options(seed);
            options.ConsensusEndpoint = "127.0.0.1:1";

            var message = await FailureOfAsync(options);

            Assert.Contains("ConsensusEndpoint '127.0.0.1:1' is not in Seeds", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASeedThatAcceptsButDoesNotAnswer_GetsNoSuchHint()
    {
        var (holder, refusing) = RefusingSeed();
        var listening = new TcpListener(IPAddress.Loopback, 0);
        listening.Start();
        try
        {
            var silent = $"127.0.0.1:{((IPEndPoint)listening.LocalEndpoint).Port - PartisanClusteringOptions.DefaultServicePortOffset}";

            var message = await FailureOfAsync(Options(refusing, silent));

            Assert.DoesNotContain("no seed runs", message, StringComparison.Ordinal);
        }
        finally
        {
            listening.Stop();
            holder.Dispose();
        }
    }
}
