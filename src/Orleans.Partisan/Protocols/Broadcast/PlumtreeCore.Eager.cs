namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>Eager push (GOSSIP), duplicates and PRUNE, and the answers to GRAFTs (SRDS 2007 §3.4).</summary>
internal sealed partial class PlumtreeCore
{
    /// <inheritdoc />
    public void Broadcast(string handler, object messageId, object payload, TraceContext? trace, List<BroadcastEffect> effects)
    {
        ArgumentException.ThrowIfNullOrEmpty(handler);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(payload);
        var key = new BroadcastMessageKey(handler, messageId);
        if (_missing.Remove(key, out var missing))
        {
            StopRepair(missing, effects);
        }

        _delivered.Add(key, new PlumtreeDelivered(Self, 0, parent: null), Stamp);
        Push(Tree(Self), new BroadcastGossip(handler, messageId, payload, Self, 1, trace), except: null, effects);
        ArmTicks(effects);
    }

    /// <inheritdoc />
    public void Merged(NodeName from, BroadcastGossip gossip, bool isNew, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        var key = new BroadcastMessageKey(gossip.Handler, gossip.MessageId);
        _delivered.TryGetValue(key, out var delivered);
        if (!isNew)
        {
            // Not new to the handler: a duplicate over this link, unless it answered a graft of ours.
            if (delivered is null || !(delivered.Parent == from && delivered.ParentGrafted))
            {
                PruneLink(from, gossip.Root, effects);
            }

            return;
        }

        var tree = Tree(gossip.Root);
        NodeName? parent = delivered is null ? from : delivered.Parent;
        if (parent == from && _neighbors.Contains(from))
        {
            // §3.4: the link a message first came over joins the tree (unless the optimisation moved the parent meanwhile).
            tree.MakeEager(from);
        }

        Push(tree, gossip with { Round = gossip.Round + 1 }, except: from, effects, alsoExcept: parent);
        ArmTicks(effects);
    }

    /// <inheritdoc />
    public void GraftAnswered(NodeName requester, BroadcastGraft graft, object? payload, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(graft);
        if (payload is not null && !requester.IsEmpty && requester != Self)
        {
            Send(requester, new BroadcastGossip(graft.Handler, graft.MessageId, payload, graft.Root, graft.Round), effects);
        }
    }

    /// <summary>
    /// A GOSSIP arrived: a duplicate is pruned (unless it answers a graft of ours); a new one is
    /// remembered, its repair stopped, and handed to the handler.
    /// </summary>
    private void OnGossip(NodeName from, BroadcastGossip gossip, List<BroadcastEffect> effects)
    {
        var key = new BroadcastMessageKey(gossip.Handler, gossip.MessageId);
        if (_delivered.TryGetValue(key, out var known))
        {
            if (known.AwaitedGrafts is { } awaited && awaited.Remove(from))
            {
                return;
            }

            PruneLink(from, gossip.Root, effects);
            return;
        }

        var delivered = new PlumtreeDelivered(gossip.Root, gossip.Round, from);
        if (_missing.Remove(key, out var missing))
        {
            StopRepair(missing, effects);
            delivered.ParentGrafted = missing.Grafted.Contains(from);
            foreach (var grafted in missing.Grafted)
            {
                if (grafted != from)
                {
                    (delivered.AwaitedGrafts ??= []).Add(grafted);
                }
            }

            OptimiseOnArrival(from, gossip, missing, delivered, effects);
        }

        _delivered.Add(key, delivered, Stamp);
        effects.Add(new MergeEffect(from, gossip));
    }

    /// <summary>A GRAFT arrived: the requester joins the tree, and gets the payload unless it asked for the link only.</summary>
    private void OnGraft(NodeName from, BroadcastGraft graft, List<BroadcastEffect> effects)
    {
        if (!_neighbors.Contains(from))
        {
            return;
        }

        Tree(graft.Root).MakeEager(from);
        if (!graft.LinkOnly)
        {
            effects.Add(new GraftPayloadEffect(from, graft));
        }
    }

    /// <summary>A PRUNE arrived: the sender leaves the eager peers of the root's tree.</summary>
    private void OnPrune(NodeName from, BroadcastPrune prune)
    {
        if (_neighbors.Contains(from))
        {
            Tree(prune.Root).MakeLazy(from);
        }
    }

    /// <summary>The link to <paramref name="from"/> carried a duplicate of <paramref name="root"/>'s tree: it becomes lazy here and there.</summary>
    private void PruneLink(NodeName from, NodeName root, List<BroadcastEffect> effects)
    {
        if (!_neighbors.Contains(from))
        {
            return;
        }

        Tree(root).MakeLazy(from);
        Send(from, new BroadcastPrune(root), effects);
    }

    /// <summary>
    /// Sends <paramref name="gossip"/> (its round already the receivers') to the eager peers and queues its
    /// announcement for the lazy peers, except <paramref name="except"/> and <paramref name="alsoExcept"/>.
    /// </summary>
    private void Push(PlumtreeTree tree, BroadcastGossip gossip, NodeName? except, List<BroadcastEffect> effects, NodeName? alsoExcept = null)
    {
        foreach (var peer in tree.Eager)
        {
            if (peer != except && peer != alsoExcept)
            {
                Send(peer, gossip, effects);
            }
        }

        if (tree.Lazy.Count == 0)
        {
            return;
        }

        var announcement = new BroadcastAnnouncement(gossip.MessageId, gossip.Root, gossip.Round);
        foreach (var peer in tree.Lazy)
        {
            if (peer != except && peer != alsoExcept)
            {
                _announcements.Add(peer, gossip.Handler, announcement, effects);
            }
        }
    }
}
