using System.Net;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The overlay's TCP transport for one node: one listener, and outbound connections per
/// (peer, channel, lane) that carry this node's messages to its peers.
/// </summary>
/// <remarks>
/// Each node sends only on connections it dialled and receives only on connections it accepted,
/// so two nodes that dial each other at once never race to pick one connection.
/// </remarks>
internal sealed class OverlayTransport : IAsyncDisposable
{
    public OverlayTransport(TransportSettings settings, Serializer serializer, ITransportEvents events, ILogger<OverlayTransport> logger, TimeProvider timeProvider)
    {
        throw new NotImplementedException();
    }

    /// <summary>This node's spec; its listen address carries the port actually bound. Valid after <see cref="StartAsync"/>.</summary>
    public NodeSpec LocalSpec => throw new NotImplementedException();

    /// <summary>Binds the listener and starts accepting.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Dials <paramref name="endpoint"/>, completes the handshake's first half and returns the spec the node there announced; the connection is then closed.</summary>
    public Task<NodeSpec> ProbeAsync(IPEndPoint endpoint, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Keeps every lane of every channel to <paramref name="peer"/> open, redialling with backoff, until <see cref="Disconnect"/>. Idempotent.</summary>
    public void Connect(NodeSpec peer) => throw new NotImplementedException();

    /// <summary>Closes the outbound connections to <paramref name="peer"/> and stops redialling it.</summary>
    public void Disconnect(NodeName peer) => throw new NotImplementedException();

    /// <summary>Serializes <paramref name="message"/> and queues it on a lane of <paramref name="channel"/> to <paramref name="peer"/>.</summary>
    public ValueTask SendAsync(NodeName peer, string channel, object message, int? partitionKey, object? supersedeKey, CancellationToken cancellationToken)
        => throw new NotImplementedException();

    /// <summary>Whether at least one outbound connection to <paramref name="peer"/> (on <paramref name="channel"/>, if given) is open.</summary>
    public bool IsConnected(NodeName peer, string? channel = null) => throw new NotImplementedException();

    /// <summary>Whether every lane of every channel to <paramref name="peer"/> is open.</summary>
    public bool IsFullyConnected(NodeName peer) => throw new NotImplementedException();

    /// <summary>The open connections, outbound and inbound.</summary>
    public IReadOnlyList<ConnectionInfo> GetConnections() => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
