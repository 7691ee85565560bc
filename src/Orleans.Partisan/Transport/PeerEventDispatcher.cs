using System.Collections.Concurrent;

namespace Orleans.Partisan.Transport;

/// <summary>
/// Counts the open outbound lanes per peer and turns the 0→1 and 1→0 transitions into
/// <see cref="ITransportEvents.OnPeerUp"/> and <see cref="ITransportEvents.OnPeerDown"/>, exactly once
/// per transition and in order, called outside any lock by one thread at a time.
/// </summary>
internal sealed class PeerEventDispatcher
{
    private readonly object _lock = new();
    private readonly Dictionary<NodeName, int> _openLanes = [];
    private readonly Queue<PeerEvent> _pending = new();
    private readonly ConcurrentDictionary<NodeName, byte> _reportedUp = new();
    private readonly ITransportEvents _events;
    private readonly TransportContext _context;
    private bool _draining;
    private bool _suppressed;

    public PeerEventDispatcher(TransportContext context, ITransportEvents events)
    {
        _context = context;
        _events = events;
    }

    /// <summary>An outbound lane to <paramref name="peer"/> completed its handshake.</summary>
    public void LaneOpened(NodeSpec peer)
    {
        lock (_lock)
        {
            _openLanes.TryGetValue(peer.Name, out var open);
            _openLanes[peer.Name] = open + 1;
            if (open == 0)
            {
                _pending.Enqueue(new PeerEvent(peer.Name, peer, null));
            }
        }

        Drain();
    }

    /// <summary>An outbound lane to <paramref name="peer"/> that <see cref="LaneOpened"/> reported closed.</summary>
    public void LaneClosed(NodeName peer, CloseReason reason)
    {
        lock (_lock)
        {
            if (!_openLanes.TryGetValue(peer, out var open))
            {
                return;
            }

            if (open <= 1)
            {
                _openLanes.Remove(peer);
                _pending.Enqueue(new PeerEvent(peer, null, reason));
            }
            else
            {
                _openLanes[peer] = open - 1;
            }
        }

        Drain();
    }

    /// <summary>
    /// Whether <see cref="ITransportEvents.OnPeerUp"/> has returned for <paramref name="peer"/> (and no down
    /// was reported since): the transport shows a peer as connected only then, so whoever sees it
    /// connected has seen it up.
    /// </summary>
    public bool IsReportedUp(NodeName peer) => _reportedUp.ContainsKey(peer);

    /// <summary>Reports nothing more (the transport is being disposed).</summary>
    public void Suppress()
    {
        lock (_lock)
        {
            _suppressed = true;
            _pending.Clear();
        }
    }

    private void Drain()
    {
        lock (_lock)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        while (true)
        {
            PeerEvent next;
            lock (_lock)
            {
                if (_suppressed || !_pending.TryDequeue(out next))
                {
                    _draining = false;
                    return;
                }
            }

            try
            {
                if (next.Spec is { } spec)
                {
                    TransportLog.PeerUp(_context.Logger, next.Peer, spec);
                    try
                    {
                        _events.OnPeerUp(spec);
                    }
                    finally
                    {
                        _reportedUp[next.Peer] = 0;
                    }
                }
                else
                {
                    _reportedUp.TryRemove(next.Peer, out _);
                    TransportLog.PeerDown(_context.Logger, next.Peer, next.Reason ?? CloseReason.Closed);
                    _events.OnPeerDown(next.Peer, next.Reason ?? CloseReason.Closed);
                }
            }
            catch (Exception exception)
            {
                TransportLog.EventHandlerFailed(_context.Logger, exception, next.Peer);
            }
        }
    }

    private readonly record struct PeerEvent(NodeName Peer, NodeSpec? Spec, CloseReason? Reason);
}
