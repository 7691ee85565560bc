using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Transport;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Overlay nodes outside Orleans running the client-server or the static peer service, on loopback.</summary>
internal sealed class PeerServiceNodes : IAsyncDisposable
{
    private static readonly WireCodec Codec = new(new ServiceCollection().AddSerializer().BuildServiceProvider());
    private static int _next;
    private readonly List<PartisanNode> _nodes = [];

    /// <summary>A client-server node of <paramref name="role"/> on a port the OS chooses.</summary>
    public Task<PartisanNode> StartClientServerAsync(PartisanNodeRole role)
        => StartAsync(Settings(role == PartisanNodeRole.Server ? "server" : "client", 0) with { PeerService = PartisanPeerService.ClientServer, ClientServerRole = role });

    /// <summary>A static node listening on <paramref name="port"/>, with <paramref name="listed"/> as its member list.</summary>
    public Task<PartisanNode> StartStaticAsync(int port, IReadOnlyList<int> listed)
        => StartAsync(Settings("static", port) with
        {
            PeerService = PartisanPeerService.Static,
            StaticMembers = [.. listed.Select(p => new IPEndPoint(IPAddress.Loopback, p))],
        });

    /// <summary>Stops <paramref name="node"/> gracefully (leave, then dispose), as a silo stops.</summary>
    public async Task StopAsync(PartisanNode node)
    {
        _nodes.Remove(node);
        await node.LeaveAsync();
        await node.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task<PartisanNode> StartAsync(PartisanNodeSettings settings)
    {
        var node = new PartisanNode(settings, Codec, NullLoggerFactory.Instance, TimeProvider.System);
        try
        {
            await node.StartAsync(CancellationToken.None);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        _nodes.Add(node);
        return node;
    }

    private static PartisanNodeSettings Settings(string prefix, int port) => new()
    {
        GossipInterval = TimeSpan.FromSeconds(1),
        ProcessMonitorCheckInterval = TimeSpan.FromSeconds(1),
        Transport = new TransportSettings
        {
            ClusterId = "peer-service-tests",
            LocalName = new NodeName($"{prefix}{Interlocked.Increment(ref _next)}"),
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, port),
            Channels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, ChannelOptions>
            {
                [PartisanChannels.Default] = new(),
                ["bulk"] = new() { Parallelism = 2 },
            }),
            ReconnectInterval = TimeSpan.FromMilliseconds(100),
            MaxReconnectInterval = TimeSpan.FromMilliseconds(500),
        },
    };
}
