using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>Passive view management: SHUFFLE and its reply (§4.4), and the keep-alives sent on the same tick.</summary>
internal sealed partial class HyParViewCore
{
    // The number of the last shuffle this node started, and the nodes it sent in it: a reply to that
    // shuffle evicts these first from a full passive view (§4.4).
    private long _shuffleId;
    private readonly HashSet<NodeName> _shuffleSent = [];

    // The names a shuffle's end answers with, evicted first by its merge: empty between calls.
    private readonly HashSet<NodeName> _evictFirst = [];

    /// <summary>
    /// The shuffle tick: a SHUFFLE with this node, k_a active and k_p passive members goes to a random
    /// neighbour with TTL = ARWL (§4.4); then every link that carried nothing since the last tick gets a
    /// keep-alive, so a link one end no longer has is found and closed (see <see cref="HyParViewKeepAlive"/>).
    /// </summary>
    private void OnShuffleTimer(List<PeerServiceEffect> effects)
    {
        if (_left || _active.Count == 0)
        {
            return;
        }

        var target = _active[_random.Next(_active.Count)];
        var others = SampleActive(target.Name, _options.ShuffleActiveCount);
        var passive = SamplePassive(default, _options.ShufflePassiveCount);
        var nodes = ImmutableArray.CreateBuilder<NodeSpec>(1 + others.Length + passive.Length);
        nodes.Add(Self);
        nodes.AddRange(others);
        nodes.AddRange(passive);
        _shuffleId++;
        _shuffleSent.Clear();
        foreach (var spec in others)
        {
            _shuffleSent.Add(spec.Name);
        }

        foreach (var spec in passive)
        {
            _shuffleSent.Add(spec.Name);
        }

        SendOnLink(
            target,
            new HyParViewShuffle(Self, target.Epoch, _shuffleId, nodes.MoveToImmutable(), _options.ActiveRandomWalkLength, [Self.Name]),
            effects);

        foreach (var link in _active)
        {
            if (!link.Used)
            {
                effects.Add(new SendEffect(link.Name, new HyParViewKeepAlive(Self, link.Epoch)));
            }

            link.Used = false;
        }

        FillFreeSlot(effects);
    }

    /// <summary>
    /// A SHUFFLE hop (§4.4): with time to live left and another neighbour, forward it to a random
    /// neighbour other than the sender, adding this node to its path. Else this node ends the walk:
    /// it answers with as many random passive nodes as it received, sent back along the reversed path,
    /// and merges what it received, evicting first the nodes it answers with.
    /// </summary>
    private void OnShuffle(HyParViewShuffle message, List<PeerServiceEffect> effects)
    {
        var link = RequireLink(message, effects);
        if (link is null || message.Path.IsDefaultOrEmpty || message.Path[^1] != message.Sender.Name || message.Nodes.IsDefault)
        {
            return;
        }

        var ttl = message.Ttl - 1;
        if (ttl > 0 && _active.Count > 1)
        {
            var next = PickActive(except: message.Sender.Name)!;
            SendOnLink(next, message with { Sender = Self, Epoch = next.Epoch, Ttl = ttl, Path = message.Path.Add(Self.Name) }, effects);
            return;
        }

        if (message.Origin == Self.Name)
        {
            // The walk came back to where it started: nothing to exchange.
            return;
        }

        var reply = SamplePassive(default, message.Nodes.Length);
        var route = new NodeName[message.Path.Length - 1];
        for (var i = 0; i < route.Length; i++)
        {
            // The path reversed, without this node's predecessor on it: the reply goes back over the link it came by.
            route[i] = message.Path[message.Path.Length - 2 - i];
        }

        SendOnLink(link, new HyParViewShuffleReply(Self, link.Epoch, message.ShuffleId, ImmutableCollectionsMarshal.AsImmutableArray(reply), message.Origin, ImmutableCollectionsMarshal.AsImmutableArray(route)), effects);

        // The names answered with are evicted first; the list is the core's own and read during the merge only.
        foreach (var spec in reply)
        {
            _evictFirst.Add(spec.Name);
        }

        Merge(message.Nodes, _evictFirst, effects);
        _evictFirst.Clear();
    }

    /// <summary>
    /// A SHUFFLEREPLY hop: relayed to the next node of its route over the link to it (dropped if that
    /// link is gone); at the origin, merged into the passive view, evicting first the nodes this node
    /// sent in that shuffle (§4.4).
    /// </summary>
    private void OnShuffleReply(HyParViewShuffleReply message, List<PeerServiceEffect> effects)
    {
        if (RequireLink(message, effects) is null || message.Nodes.IsDefault || message.Route.IsDefault)
        {
            return;
        }

        if (message.Route.IsEmpty)
        {
            if (message.Origin == Self.Name)
            {
                var evictFirst = message.ShuffleId == _shuffleId ? _shuffleSent : [];
                Merge(message.Nodes, evictFirst, effects);
            }

            return;
        }

        var next = FindActive(message.Route[0]);
        if (next is not null)
        {
            SendOnLink(next, message with { Sender = Self, Epoch = next.Epoch, Route = message.Route.RemoveAt(0) }, effects);
        }
    }

    /// <summary>Adds the nodes not known yet to the passive view (§4.4): never this node, never a node of either view.</summary>
    private void Merge(ImmutableArray<NodeSpec> nodes, IReadOnlyCollection<NodeName> evictFirst, List<PeerServiceEffect> effects)
    {
        if (evictFirst.Count > 0)
        {
            MarkEvictFirst(evictFirst);
        }

        foreach (var spec in nodes)
        {
            if (spec is not null)
            {
                Learn(spec, evictFirst, effects);
            }
        }

        _evictMarks.Clear();
    }
}
