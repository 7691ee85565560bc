namespace Orleans.Partisan.Protocols.Broadcast;

/// <summary>
/// Lazy push and tree repair (SRDS 2007 §3.5–3.7): IHAVE announcements, missing messages, the two
/// graft timers, and the optimisation that moves a parent to a shorter path.
/// </summary>
internal sealed partial class PlumtreeCore
{
    /// <inheritdoc />
    public void StaleChecked(NodeName from, string handler, BroadcastAnnouncement announcement, bool isStale, List<BroadcastEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(announcement);
        var key = new BroadcastMessageKey(handler, announcement.MessageId);
        if (!_missing.TryGetValue(key, out var missing))
        {
            // It came meanwhile, or was forgotten: nothing to repair.
            return;
        }

        if (isStale)
        {
            _missing.Remove(key, out _);
            StopRepair(missing, effects);
            _delivered.Add(key, new PlumtreeDelivered(announcement.Root, announcement.Round, parent: null), Stamp);
        }
        else if (missing.State == PlumtreeMissingState.Checking)
        {
            StartFirstTimer(missing, effects);
        }

        ArmTicks(effects);
    }

    /// <summary>
    /// An IHAVE arrived: an announcement of a message this node has may trigger the optimisation; of one it
    /// misses, records the announcer (restarting the repair if every earlier announcer was tried); of an
    /// unknown one, asks the handler whether it is stale before the first timer starts.
    /// </summary>
    private void OnIHave(NodeName from, BroadcastIHave ihave, List<BroadcastEffect> effects)
    {
        if (!_neighbors.Contains(from) || ihave.Announcements.IsDefault)
        {
            return;
        }

        foreach (var announcement in ihave.Announcements)
        {
            if (announcement is null)
            {
                continue;
            }

            var key = new BroadcastMessageKey(ihave.Handler, announcement.MessageId);
            if (_delivered.TryGetValue(key, out var delivered))
            {
                OptimiseLate(from, ihave.Handler, announcement, delivered, effects);
            }
            else if (_missing.TryGetValue(key, out var missing))
            {
                if (missing.AddAnnouncer(from, announcement.Round) && missing.State == PlumtreeMissingState.Exhausted)
                {
                    StartFirstTimer(missing, effects);
                }
            }
            else
            {
                missing = new PlumtreeMissing(ihave.Handler, announcement.Root, new PlumtreeTimer.Graft(++_timerSerial));
                missing.AddAnnouncer(from, announcement.Round);
                _graftTimers.Add(missing.Timer, key);
                RememberMissing(key, missing, effects);
                effects.Add(new CheckStaleEffect(from, ihave.Handler, announcement));
            }
        }
    }

    /// <summary>
    /// Remembers a message being repaired; one evicted to make room stops its repair.
    /// </summary>
    private void RememberMissing(BroadcastMessageKey key, PlumtreeMissing missing, List<BroadcastEffect> effects)
        => _missing.Add(key, missing, Stamp, (this, effects), static (state, _, forgotten) => state.Item1.StopRepair(forgotten, state.effects));

    /// <summary>A graft timer fired: the message did not come in time; graft the next announcer.</summary>
    private void OnGraftTimer(BroadcastMessageKey key, List<BroadcastEffect> effects)
    {
        if (_missing.TryGetValue(key, out var missing) && missing.State is PlumtreeMissingState.Waiting or PlumtreeMissingState.Grafting)
        {
            GraftNext(key, missing, timerRunning: false, effects);
        }
    }

    /// <summary>
    /// GRAFTs the oldest announcer still a neighbour (it becomes an eager peer) and starts the second timer;
    /// with none left, the repair waits for the next IHAVE.
    /// </summary>
    private void GraftNext(BroadcastMessageKey key, PlumtreeMissing missing, bool timerRunning, List<BroadcastEffect> effects)
    {
        while (missing.Announcers.Count > 0)
        {
            var announcer = missing.Announcers[0];
            missing.Announcers.RemoveAt(0);
            if (!_neighbors.Contains(announcer.From))
            {
                continue;
            }

            Tree(missing.Root).MakeEager(announcer.From);
            missing.Grafted.Add(announcer.From);
            missing.State = PlumtreeMissingState.Grafting;
            Send(announcer.From, new BroadcastGraft(missing.Handler, key.MessageId, missing.Root, announcer.Round), effects);
            effects.Add(new BroadcastTimerEffect(missing.Timer, _options.SecondGraftTimeout, Periodic: false));
            return;
        }

        missing.State = PlumtreeMissingState.Exhausted;
        if (timerRunning)
        {
            effects.Add(new CancelBroadcastTimerEffect(missing.Timer));
        }
    }

    private void StartFirstTimer(PlumtreeMissing missing, List<BroadcastEffect> effects)
    {
        missing.State = PlumtreeMissingState.Waiting;
        effects.Add(new BroadcastTimerEffect(missing.Timer, _options.GraftTimeout, Periodic: false));
    }

    /// <summary>The repair of a missing message ends (it came, is stale, or is forgotten): its timer is cancelled.</summary>
    private void StopRepair(PlumtreeMissing missing, List<BroadcastEffect> effects)
    {
        _graftTimers.Remove(missing.Timer);
        if (missing.State is PlumtreeMissingState.Waiting or PlumtreeMissingState.Grafting)
        {
            effects.Add(new CancelBroadcastTimerEffect(missing.Timer));
        }
    }

    /// <summary>
    /// The paper's optimisation (§3.7, Algorithm 3): the message came from <paramref name="from"/> over a path at least
    /// <see cref="PlumtreeOptions.OptimizationThreshold"/> hops longer than an earlier announcement of it promised;
    /// the announcer becomes the parent.
    /// </summary>
    private void OptimiseOnArrival(NodeName from, BroadcastGossip gossip, PlumtreeMissing missing, PlumtreeDelivered delivered, List<BroadcastEffect> effects)
    {
        if (_options.OptimizationThreshold == 0 || delivered.ParentGrafted || !_neighbors.Contains(from))
        {
            return;
        }

        BroadcastAnnouncementFrom? best = null;
        foreach (var announcer in missing.Announcers)
        {
            if (announcer.From != from && _neighbors.Contains(announcer.From) && (best is null || announcer.Round < best.Value.Round))
            {
                best = announcer;
            }
        }

        if (best is { } shorter && gossip.Round - shorter.Round >= _options.OptimizationThreshold)
        {
            SwapParent(gossip.Handler, gossip.MessageId, gossip.Root, from, shorter, delivered, effects);
        }
    }

    /// <summary>
    /// The optimisation for an IHAVE that comes after the message (the usual order in a steady tree, as
    /// announcements wait for the lazy tick): the same rule, the announcer replacing the parent.
    /// </summary>
    private void OptimiseLate(NodeName from, string handler, BroadcastAnnouncement announcement, PlumtreeDelivered delivered, List<BroadcastEffect> effects)
    {
        if (_options.OptimizationThreshold == 0
            || delivered.Parent is not { } parent
            || parent == from
            || delivered.Round - announcement.Round < _options.OptimizationThreshold)
        {
            return;
        }

        SwapParent(handler, announcement.MessageId, delivered.Root, parent, new BroadcastAnnouncementFrom(from, announcement.Round), delivered, effects);
    }

    /// <summary>GRAFTs the announcer for the link only (it has the message here) and PRUNEs the old parent.</summary>
    private void SwapParent(string handler, object messageId, NodeName root, NodeName parent, BroadcastAnnouncementFrom announcer, PlumtreeDelivered delivered, List<BroadcastEffect> effects)
    {
        var tree = Tree(root);
        tree.MakeEager(announcer.From);
        Send(announcer.From, new BroadcastGraft(handler, messageId, root, announcer.Round) { LinkOnly = true }, effects);
        if (_neighbors.Contains(parent))
        {
            tree.MakeLazy(parent);
            Send(parent, new BroadcastPrune(root), effects);
        }

        delivered.Parent = announcer.From;
        delivered.Round = announcer.Round;
    }
}
