namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>Joining: JOIN and FORWARD_JOIN (§4.2).</summary>
internal sealed partial class HyParViewCore
{
    /// <inheritdoc />
    /// <remarks>
    /// A node with no neighbour that is not joining yet sends JOIN to <paramref name="contact"/>; the
    /// contact stays in the passive view until it answers. Otherwise (already in an overlay) the contact
    /// is only added to the passive view, so a driver may call this for every node it learns of. Until
    /// a JOIN is accepted, the promotion timer retries it through a random one of the contacts given
    /// (even if other nodes joined through this one meanwhile: they would otherwise form an island).
    /// </remarks>
    public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var effects = new List<PeerServiceEffect>();
        _left = false;
        Returned(contact.Name);
        if (contact.Name == Self.Name)
        {
            return WithPromotionTimer(effects);
        }

        if (_joining)
        {
            if (!_contacts.Any(c => c.Name == contact.Name))
            {
                _contacts.Add(contact);
            }

            Learn(contact, [], effects);
            return WithPromotionTimer(effects);
        }

        if (_active.Count > 0)
        {
            Learn(contact, [], effects);
            return WithPromotionTimer(effects);
        }

        _joining = true;
        _contacts.Add(contact);
        SendJoin(contact, effects);
        return WithPromotionTimer(effects);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A node with neighbours sends JOIN to <paramref name="contact"/> all the same (unless it is a
    /// neighbour already): the contact takes it into its active view and walks FORWARD_JOINs from there,
    /// and the acceptance makes room in this node's view by dropping a random neighbour, so two
    /// components that knew nothing of each other become one. Without neighbours, as <see cref="Join"/>.
    /// </remarks>
    public IReadOnlyList<PeerServiceEffect> Rejoin(NodeSpec contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        if (_active.Count == 0 || _joining)
        {
            return Join(contact);
        }

        var effects = new List<PeerServiceEffect>();
        if (contact.Name != Self.Name && !IsActive(contact.Name) && !_pending.ContainsKey(contact.Name))
        {
            _left = false;
            Returned(contact.Name);
            SendJoin(contact, effects);
        }

        return WithPromotionTimer(effects);
    }

    private void SendJoin(NodeSpec contact, List<PeerServiceEffect> effects)
    {
        if (PassiveIndex(contact.Name) < 0)
        {
            Learn(contact, [], effects);
            if (PassiveIndex(contact.Name) < 0)
            {
                return;
            }
        }

        var epoch = ++_clock;
        _pending[contact.Name] = new PendingRequest(contact, epoch, IsJoin: true);
        Open(contact, effects);
        effects.Add(new SendEffect(contact.Name, new HyParViewJoin(Self, epoch)));
        ArmPeerTimer(contact.Name, effects);
    }

    /// <summary>
    /// The contact's side of JOIN (§4.2): take the joiner into the active view (dropping a random
    /// neighbour if full), answer it, and start a FORWARD_JOIN walk with TTL = ARWL on every other link.
    /// </summary>
    private void OnJoin(HyParViewJoin join, List<PeerServiceEffect> effects)
    {
        var joiner = join.Sender;
        var link = AddActive(joiner, join.Epoch, effects);
        if (link is null)
        {
            return;
        }

        SendOnLink(link, new HyParViewNeighborReply(Self, link.Epoch, Accepted: true, Suggest(except: joiner.Name)), effects);
        foreach (var other in _active.ToList())
        {
            if (other.Name != joiner.Name)
            {
                SendOnLink(other, new HyParViewForwardJoin(Self, other.Epoch, joiner, _options.ActiveRandomWalkLength), effects);
            }
        }
    }

    /// <summary>
    /// A FORWARD_JOIN walk (Algorithm 1, §4.2): add the joiner to the active view at TTL 0 or when this
    /// node has only one neighbour, and tell the joiner; else add it to the passive view at TTL = PRWL
    /// and forward the walk to a random neighbour other than the sender.
    /// </summary>
    private void OnForwardJoin(HyParViewForwardJoin message, List<PeerServiceEffect> effects)
    {
        if (RequireLink(message, effects) is null)
        {
            return;
        }

        var joiner = message.Joiner;
        if (joiner is null || joiner.Name == Self.Name || IsActive(joiner.Name))
        {
            // The walk came back to the joiner, or reached a node that already has it: it ends here.
            return;
        }

        if (message.Ttl <= 0 || _active.Count == 1)
        {
            var link = AddActive(joiner, ++_clock, effects);
            if (link is not null)
            {
                SendOnLink(link, new HyParViewForwardJoinAccept(Self, link.Epoch), effects);
            }

            return;
        }

        if (message.Ttl == _options.PassiveRandomWalkLength)
        {
            // The joiner is joining right now: a node that left and joins again is welcome.
            Returned(joiner.Name);
            Learn(joiner, [], effects);
        }

        var next = PickActive(except: message.Sender.Name);
        if (next is not null)
        {
            SendOnLink(next, new HyParViewForwardJoin(Self, next.Epoch, joiner, message.Ttl - 1), effects);
        }
    }

    /// <summary>The node where a FORWARD_JOIN walk ended took this node as a neighbour: take it too, so the views stay symmetric.</summary>
    private void OnForwardJoinAccept(HyParViewForwardJoinAccept message, List<PeerServiceEffect> effects)
        => AddActive(message.Sender, message.Epoch, effects);
}
