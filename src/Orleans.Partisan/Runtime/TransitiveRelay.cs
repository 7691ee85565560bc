using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Transitive forwarding (<see cref="ForwardOptions.Transitive"/>): a message for a node this node
/// has no connection to is handed to every connected neighbour, which delivers it if it is the
/// destination, sends it straight there if it is connected to it, and otherwise hands it on with one
/// hop fewer. Each node relays a message once (it remembers the ids it has seen), so the cost is at
/// most one message per overlay link, and the destination delivers it once.
/// </summary>
/// <remarks>
/// With <c>throughOne</c> (a client of the client-server peer service, whose neighbours are all servers, each connected to
/// every client), a message this node starts is handed to one neighbour instead of all: the one the destination's name
/// hashes to (rendezvous hashing), so a client's messages to another client take one server, in order, and different
/// destinations spread over the servers. Only if that send fails is the message handed to every neighbour.
/// An Orleans client's node relays the same way through its gateways.
/// <para>With <c>clients</c> (a silo's <see cref="ClientGateway"/>), a message for an Orleans client that this node is not
/// connected to goes to the silo the client is attached to when a route is known, instead of to every neighbour; and a
/// relayed message whose origin is a client teaches the way back (the neighbour that handed it on).</para>
/// </remarks>
internal sealed class TransitiveRelay(NodeName self, OverlayTransport transport, LocalDispatcher dispatcher, int hopLimit, ILogger logger, bool throughOne = false, ClientGateway? clients = null)
{
    private const int RememberedIds = 4096;
    private readonly object _lock = new();
    private readonly HashSet<PartisanRef> _seen = [];
    private readonly Queue<PartisanRef> _seenOrder = new();
    private long _nextId;

    /// <summary>Starts relaying <paramref name="forward"/> toward <paramref name="destination"/>, best effort: never waits for room.</summary>
    /// <exception cref="NodeNotConnectedException">This node has no connection at all to relay through.</exception>
    public void Start(NodeName destination, string channel, ForwardEnvelope forward)
    {
        var pending = StartAsync(destination, channel, forward);
        if (!pending.IsCompletedSuccessfully)
        {
            _ = pending.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Starts relaying <paramref name="forward"/> toward <paramref name="destination"/>. Through one neighbour
    /// (<c>throughOne</c>), the task completes once that neighbour's send queue has taken it, so a sender is held back
    /// as by a direct send (without, 200,000 relayed forwards piled up as many waiters); handed to every neighbour, at once.
    /// </summary>
    /// <exception cref="NodeNotConnectedException">This node has no connection at all to relay through.</exception>
    public ValueTask StartAsync(NodeName destination, string channel, ForwardEnvelope forward)
    {
        var relay = new RelayEnvelope(new PartisanRef(self, Interlocked.Increment(ref _nextId)), destination, hopLimit, forward);
        Remember(relay.Id);
        if (throughOne && !transport.IsConnected(destination) && Via(destination) is { } via)
        {
            try
            {
                return transport.SendAsync(via, channel, relay, partitionKey: null, supersedeKey: null, CancellationToken.None);
            }
            catch (PartisanException exception)
            {
                RuntimeLog.SendFailed(logger, via, exception.Message);
            }
        }

        return HandOn(relay, channel, except: default) == 0
            ? throw new NodeNotConnectedException(destination, channel)
            : ValueTask.CompletedTask;
    }

    /// <summary>A relayed message arrived from <paramref name="from"/>.</summary>
    public void OnRelay(NodeName from, string channel, RelayEnvelope relay)
    {
        if (!Remember(relay.Id))
        {
            return;
        }

        if (clients is not null && from != relay.Origin && ClusterClientName.IsClient(relay.Origin))
        {
            clients.Learn(relay.Origin, from);
        }

        if (relay.Destination == self)
        {
            dispatcher.Deliver(relay.Origin, channel, relay.Forward);
            return;
        }

        if (relay.HopsLeft <= 0)
        {
            RuntimeLog.RelayExpired(logger, relay.Id, relay.Destination, hopLimit);
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "relay-hop-limit" } });
            return;
        }

        HandOn(relay.NextHop(), channel, except: from);
    }

    /// <summary>Sends the relay straight to its destination if connected, else to every other connected neighbour; returns how many got it.</summary>
    private int HandOn(RelayEnvelope relay, string channel, NodeName except)
    {
        if (transport.IsConnected(relay.Destination))
        {
            return TrySend(relay.Destination, channel, relay) ? 1 : 0;
        }

        if (clients?.RouteTo(relay.Destination) is { } route && route != except && transport.IsConnected(route) && TrySend(route, channel, relay))
        {
            return 1;
        }

        var sent = 0;
        foreach (var neighbour in transport.ConnectedPeers())
        {
            if (neighbour != except && neighbour != relay.Origin && TrySend(neighbour, channel, relay))
            {
                sent++;
            }
        }

        if (sent == 0 && relay.Origin != self)
        {
            RuntimeLog.RelayStuck(logger, relay.Id, relay.Destination);
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "relay-no-route" } });
        }

        return sent;
    }

    /// <summary>The connected neighbour <paramref name="destination"/> hashes to; <see langword="null"/> with no neighbour.</summary>
    private NodeName? Via(NodeName destination)
    {
        NodeName? best = null;
        var bestScore = 0;
        foreach (var neighbour in transport.ConnectedPeers())
        {
            var score = HashCode.Combine(neighbour, destination);
            if (best is null || score > bestScore || (score == bestScore && neighbour.CompareTo(best.Value) < 0))
            {
                (best, bestScore) = (neighbour, score);
            }
        }

        return best;
    }

    private bool TrySend(NodeName to, string channel, RelayEnvelope relay)
    {
        try
        {
            var pending = transport.SendAsync(to, channel, relay, partitionKey: null, supersedeKey: null, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                // A full queue: relaying is best effort and must not stall the connection that carried the message in.
                _ = pending.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return true;
        }
        catch (PartisanException exception)
        {
            RuntimeLog.SendFailed(logger, to, exception.Message);
            return false;
        }
    }

    /// <summary>Records <paramref name="id"/>; false if it was seen already. Remembers a bounded number of ids.</summary>
    private bool Remember(PartisanRef id)
    {
        lock (_lock)
        {
            if (!_seen.Add(id))
            {
                return false;
            }

            _seenOrder.Enqueue(id);
            if (_seenOrder.Count > RememberedIds)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }

            return true;
        }
    }
}
