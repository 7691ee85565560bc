using System.Collections.Immutable;

namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>Active view management: promotion from the passive view with NEIGHBOR requests (§4.3).</summary>
internal sealed partial class HyParViewCore
{
    private readonly Dictionary<NodeName, PendingRequest> _pending = [];

    // The promotion round under way: the active-view size it aims at (0 when none runs) and the
    // candidates it already asked, so a rejected or failed candidate is not asked again in the round.
    private readonly HashSet<NodeName> _tried = [];
    private int _promotionTarget;

    // Start was called (timers are armed from then on), and the one-shot promotion timer is armed (see WithPromotionTimer).
    private bool _started;
    private bool _promotionArmed;

    /// <summary>
    /// Ends every call that returns effects: arms the one-shot promotion timer when the periodic
    /// promotion has work and the timer is not armed yet (from <see cref="Start"/> on, as every timer).
    /// It has work while this node is joining (the JOIN is retried) or has fewer neighbours than
    /// <see cref="HyParViewOptions.MinActiveViewSize"/>, and not after a leave; a timer that fires
    /// re-arms through the same rule. A node whose active view is at or above the minimum therefore runs
    /// no promotion timer: at steady state it would find nothing to do (ten firings per shuffle interval
    /// with the defaults), and in a simulation of many nodes those firings were a quarter of the events.
    /// </summary>
    private List<PeerServiceEffect> WithPromotionTimer(List<PeerServiceEffect> effects)
    {
        if (_started && !_promotionArmed && !_left && (_joining || _active.Count < _options.MinActiveViewSize))
        {
            _promotionArmed = true;
            effects.Add(new ArmTimerEffect(HyParViewTimer.Promotion.Instance, _options.PromotionInterval, Periodic: false));
        }

        return effects;
    }

    /// <summary>
    /// Starts (or widens) a promotion round aiming at <paramref name="target"/> neighbours: the
    /// reaction to a failed neighbour (target: a full view, §4.3) and, periodically, to an active view
    /// smaller than <see cref="HyParViewOptions.MinActiveViewSize"/>.
    /// </summary>
    private void StartPromotion(int target, List<PeerServiceEffect> effects)
    {
        if (_promotionTarget == 0)
        {
            _tried.Clear();
        }

        _promotionTarget = Math.Max(_promotionTarget, Math.Min(target, _options.ActiveViewSize));
        Promote(effects);
    }

    /// <summary>
    /// Sends NEIGHBOR requests to random passive nodes not yet asked in this round, one per missing
    /// neighbour at a time, until the round's target is reached or no candidate is left. While the
    /// active view is empty one of them has high priority (which the receiver must accept, §4.3); the
    /// others are low, so a node that lost every neighbour does not make several full nodes drop one.
    /// </summary>
    private void Promote(List<PeerServiceEffect> effects)
    {
        while (_promotionTarget > 0)
        {
            if (_active.Count >= _promotionTarget)
            {
                EndPromotion();
                return;
            }

            if (_pending.Count >= _promotionTarget - _active.Count)
            {
                return;
            }

            var candidate = PickPassive(new PassiveFilter(_pending, _tried));
            if (candidate is null)
            {
                if (_pending.Count == 0)
                {
                    EndPromotion();
                }

                return;
            }

            SendNeighbor(candidate, effects);
        }
    }

    private void EndPromotion()
    {
        _promotionTarget = 0;
        _tried.Clear();
    }

    /// <summary>
    /// NEIGHBOR to a passive candidate over a connection opened for it; high priority only with an
    /// empty active view (§4.3), and then only if no other high request is in flight.
    /// </summary>
    private void SendNeighbor(NodeSpec candidate, List<PeerServiceEffect> effects)
    {
        var epoch = ++_clock;
        var priority = _active.Count == 0 && !_pending.Values.Any(p => p.Priority == NeighborPriority.High)
            ? NeighborPriority.High
            : NeighborPriority.Low;
        _pending[candidate.Name] = new PendingRequest(candidate, epoch, IsJoin: false, priority);
        _tried.Add(candidate.Name);
        Open(candidate, effects);
        effects.Add(new SendEffect(candidate.Name, new HyParViewNeighbor(Self, epoch, priority)));
        ArmPeerTimer(candidate.Name, effects);
    }

    /// <summary>
    /// On the shuffle tick, a node with a free active slot and no promotion under way asks one random
    /// passive node (low priority). Not in the paper (§4.3 promotes only on failure): without it, a group
    /// of nodes whose active views are within the group and at least the minimum would never reconnect
    /// to the rest of the overlay (an island left by lost messages or by a contact that dropped its joiner).
    /// </summary>
    private void FillFreeSlot(List<PeerServiceEffect> effects)
    {
        if (_promotionTarget == 0 && _pending.Count == 0 && _active.Count > 0 && _active.Count < _options.ActiveViewSize)
        {
            var candidate = PickPassive(default(AnyPassive));
            if (candidate is not null)
            {
                SendNeighbor(candidate, effects);
            }
        }
    }

    private void OnPromotionTimer(List<PeerServiceEffect> effects)
    {
        if (_left)
        {
            return;
        }

        if (_joining && _contacts.Any(c => IsActive(c.Name)))
        {
            // A contact became a neighbour another way (it asked this node, say): joined.
            _joining = false;
            _contacts.Clear();
        }

        if (_joining)
        {
            // The JOIN went unanswered: JOIN again, through a random contact.
            if (!_pending.Values.Any(p => p.IsJoin) && _contacts.Count > 0)
            {
                SendJoin(_contacts[_random.Next(_contacts.Count)], effects);
            }

            if (_active.Count == 0)
            {
                return;
            }
        }

        if (_active.Count < _options.MinActiveViewSize)
        {
            StartPromotion(_options.MinActiveViewSize, effects);
        }
    }

    /// <summary>
    /// NEIGHBOR received (§4.3): accepted when the requester is already a neighbour, when this node is
    /// asking it too, when the priority is high (dropping a random neighbour if the view is full), or
    /// when there is a free active slot; rejected otherwise.
    /// </summary>
    private void OnNeighbor(HyParViewNeighbor request, List<PeerServiceEffect> effects)
    {
        var requester = request.Sender;
        var epoch = request.Epoch;
        if (_pending.TryGetValue(requester.Name, out var mine))
        {
            // Both asked each other at once: one link, under the larger epoch at both ends.
            epoch = Math.Max(epoch, mine.Epoch);
        }

        if (IsActive(requester.Name)
            || mine is not null
            || request.Priority == NeighborPriority.High
            || _active.Count < _options.ActiveViewSize)
        {
            var link = AddActive(requester, epoch, effects)!;
            SendOnLink(link, HyParViewNeighborReply.Accept(Self, link.Epoch), effects);
            Promote(effects);
            return;
        }

        SendOnce(requester, new HyParViewNeighborReply(Self, request.Epoch, Accepted: false, Suggest(except: requester.Name)), effects);
    }

    /// <summary>A sample of this node's views for a node that needs candidates: k_a active and k_p passive members.</summary>
    private ImmutableArray<NodeSpec> Suggest(NodeName except)
        =>
        [
            .. SampleActive(except, _options.ShuffleActiveCount),
            .. SamplePassive(except, _options.ShufflePassiveCount),
        ];

    /// <summary>
    /// The answer to this node's JOIN or NEIGHBOR request. An acceptance makes the candidate a
    /// neighbour; a rejection of the current request closes its connection and moves on to the next
    /// candidate (§4.3). A rejection of an older request is ignored; an acceptance nobody waits for
    /// any more (its request timed out) is taken if there is a free active slot, and otherwise answered
    /// with a DISCONNECT, so the other end does not keep a one-sided link.
    /// </summary>
    private void OnNeighborReply(HyParViewNeighborReply reply, List<PeerServiceEffect> effects)
    {
        var peer = reply.Sender;
        if (!reply.Suggestions.IsDefault)
        {
            Merge(reply.Suggestions, [], effects);
        }

        if (_pending.TryGetValue(peer.Name, out var request))
        {
            if (reply.Accepted)
            {
                if (request.IsJoin)
                {
                    _joining = false;
                    _contacts.Clear();
                }

                AddActive(peer, Math.Max(reply.Epoch, request.Epoch), effects);
                Promote(effects);
            }
            else if (reply.Epoch == request.Epoch)
            {
                _pending.Remove(peer.Name);
                Close(peer.Name, effects);
                Promote(effects);
            }

            return;
        }

        var link = FindActive(peer.Name);
        if (link is not null)
        {
            if (reply.Accepted)
            {
                link.Epoch = Math.Max(link.Epoch, reply.Epoch);
            }

            return;
        }

        if (reply.Accepted)
        {
            if (_active.Count < _options.ActiveViewSize)
            {
                // The answer to a request that timed out: the link is there at the other end, take it.
                AddActive(peer, reply.Epoch, effects);
            }
            else
            {
                SendOnce(peer, new HyParViewDisconnect(Self, reply.Epoch, Leaving: false), effects);
            }
        }
    }

    /// <summary>
    /// A request got no answer in time, or its connection failed: the candidate is considered failed
    /// and forgotten (the paper's failed TCP connection, §4.3), and the next one is tried. A JOIN
    /// contact is kept while this node is joining, so that the JOIN can be retried.
    /// </summary>
    private void FailRequest(PendingRequest request, List<PeerServiceEffect> effects)
    {
        var name = request.Candidate.Name;
        _pending.Remove(name);
        Close(name, effects);
        if (!(request.IsJoin && _joining))
        {
            ForgetPassive(name, effects);
        }

        Promote(effects);
    }
}
