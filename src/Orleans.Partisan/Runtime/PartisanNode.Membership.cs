namespace Orleans.Partisan.Runtime;

/// <summary>
/// How the overlay node follows an outside membership source and, on an Orleans client, keeps its gateways (and, on a
/// silo that leaves, lets its clients move first); and what a fresh dial of a node finds (the failure detector's checks).
/// </summary>
internal sealed partial class PartisanNode
{
    /// <summary>Whether every member is a neighbour (full mesh), so following an outside membership source means joining each member and every member's connection can be checked.</summary>
    internal bool JoinsEveryMember => _settings.PeerService == PartisanPeerService.FullMesh;

    /// <summary>
    /// How this node follows an outside membership source (Orleans' cluster membership): a full mesh and a client-server
    /// server join every member, HyParView joins through one contact, a client-server client waits for the servers to
    /// reach it, and the static peer service follows its list only.
    /// </summary>
    internal MembershipFollowing Following => _settings.IsClusterClient ? MembershipFollowing.None : _settings.PeerService switch
    {
        PartisanPeerService.FullMesh => MembershipFollowing.EveryMember,
        PartisanPeerService.ClientServer when !IsClient => MembershipFollowing.EveryMember,
        PartisanPeerService.HyParView => MembershipFollowing.OneContact,
        PartisanPeerService.ClientServer => MembershipFollowing.RemovalsOnly,
        _ => MembershipFollowing.None,
    };

    /// <summary>The node-event observers subscribed with a lease through this silo's node-monitor grain.</summary>
    internal ObserverLeases ObserverLeases { get; }

    /// <summary>Whether this Orleans client's node is attached to a silo: connected to one of its gateways, which has welcomed it.</summary>
    internal bool IsAttached => _settings.IsClusterClient && Driver.Neighbors.Any(n => _transport.IsConnected(n)) && Driver.Members.Count > 1;

    /// <summary>The Orleans clients attached to this silo's node (none on a client).</summary>
    internal IReadOnlyCollection<NodeName> AttachedClients => _clients?.Attached ?? [];

    /// <summary>Whether this node is a client of the client-server peer service, which reaches other clients through a server.</summary>
    private bool IsClient => _settings.PeerService == PartisanPeerService.ClientServer && _settings.ClientServerRole == PartisanNodeRole.Client;

    /// <summary>Adds <paramref name="member"/> to the overlay without waiting for connections (used to follow an outside membership source).</summary>
    internal Task AddMemberAsync(NodeSpec member)
    {
        if (member.Name == Name)
        {
            return Task.CompletedTask;
        }

        _clients?.Join();
        return Driver.JoinAsync(member);
    }

    /// <summary>Joins through <paramref name="contact"/> even while in an overlay, linking this node's component to the contact's.</summary>
    internal Task RejoinAsync(NodeSpec contact) => contact.Name == Name ? Task.CompletedTask : Driver.RejoinAsync(contact);

    /// <summary>
    /// What a fresh dial of <paramref name="node"/> (connect and handshake on any of its listen addresses, within
    /// <paramref name="timeout"/>) finds: <see cref="ProbeOutcome.Reached"/> when that very node answers on one of them;
    /// otherwise <see cref="ProbeOutcome.NoAnswer"/> when a dial ran out of time, <see cref="ProbeOutcome.Failed"/> when every
    /// dial failed outright. Its existing connections play no part.
    /// </summary>
    internal async Task<ProbeOutcome> ProbeAsync(NodeSpec node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var outcome = ProbeOutcome.Failed;
        foreach (var endpoint in node.ListenAddresses)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                if ((await _transport.ProbeAsync(endpoint, deadline.Token).ConfigureAwait(false)).Name == node.Name)
                {
                    return ProbeOutcome.Reached;
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // Connected, perhaps, but no handshake in time: frozen, cut off silently, or starved.
                outcome = ProbeOutcome.NoAnswer;
            }
            catch (Exception exception) when (exception is System.Net.Sockets.SocketException or IOException or PartisanException && !cancellationToken.IsCancellationRequested)
            {
                // Refused, reset, closed before the handshake or answered by another node: not reached on this address.
            }
        }

        return outcome;
    }

    /// <summary>
    /// Whether <paramref name="witness"/> reaches <paramref name="node"/> with a fresh dial bounded by
    /// <paramref name="timeout"/>, asked over the overlay (see <see cref="WitnessProbe"/>).
    /// </summary>
    internal Task<bool> AskWitnessAsync(NodeName witness, NodeSpec node, TimeSpan timeout, CancellationToken cancellationToken)
        => _witness.AskAsync(witness, node, timeout, cancellationToken);

    /// <summary>
    /// Waits until the clients told to move have dropped their connections to this silo (bounded by the leave timeout):
    /// a client that took the last welcome in hears of the leave from it, not from a connection this silo closes first.
    /// </summary>
    private async Task WhenClientsMovedAsync(IReadOnlyCollection<NodeName> moving, CancellationToken cancellationToken)
    {
        if (moving.Count == 0)
        {
            return;
        }

        try
        {
            await _transport.WhenDroppedByAsync(moving).WaitAsync(_settings.LeaveTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var remaining = _transport.GetConnections().Where(c => c.Direction == ConnectionDirection.Inbound && moving.Contains(c.Peer)).Select(c => c.Peer).Distinct();
            RuntimeLog.LeaveNotAcknowledged(_logger, string.Join(", ", remaining), _settings.LeaveTimeout);
        }
    }
}
