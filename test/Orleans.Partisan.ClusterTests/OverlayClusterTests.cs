namespace Orleans.Partisan.ClusterTests;

/// <summary>The overlay on a 3-silo cluster with real loopback sockets: membership, connections and messaging.</summary>
public sealed class OverlayClusterTests : IAsyncLifetime
{
    private PartisanCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PartisanCluster.StartAsync(3);
        await _cluster.WaitForConvergedAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public void Membership_converges_with_parallelism_lanes_per_channel()
    {
        var nodes = _cluster.Nodes;
        var names = nodes.Select(n => n.Name).Order().ToList();
        foreach (var node in nodes)
        {
            Assert.Equal(names, node.GetNodes(NodeSelection.Known));
            Assert.Equal(names.Where(n => n != node.Name), node.GetNodes(NodeSelection.Visible));
            foreach (var peer in names.Where(n => n != node.Name))
            {
                var outbound = node.GetConnections().Where(c => c.Peer == peer && c.Direction == ConnectionDirection.Outbound).ToList();
                Assert.Equal(1, outbound.Count(c => c.Channel == PartisanChannels.Default));
                Assert.Equal(2, outbound.Count(c => c.Channel == "bulk"));
                Assert.True(node.IsConnected(peer, "bulk"));
                Assert.Equal(node.Spec.Channels.Keys, node.GetNodeSpec(peer)!.Channels.Keys);
            }
        }
    }

    [Fact]
    public async Task Forward_reaches_named_receiver_mailbox_and_grain_on_every_other_silo_on_every_channel()
    {
        var nodes = _cluster.Nodes;
        var received = new System.Collections.Concurrent.ConcurrentBag<(NodeName To, ReceivedMessage Message)>();
        var registrations = nodes.Select(n => n.RegisterReceiver("inbox", m => received.Add((n.Name, m)))).ToList();
        var mailboxes = nodes.ToDictionary(n => n.Name, n => n.CreateMailbox());
        var expected = 0;
        foreach (var sender in nodes)
        {
            foreach (var receiver in nodes.Where(n => n.Name != sender.Name))
            {
                foreach (var channel in new[] { PartisanChannels.Default, "bulk" })
                {
                    var text = $"{sender.Name}->{receiver.Name}@{channel}";
                    var options = new ForwardOptions { Channel = channel };
                    await sender.ForwardMessageAsync(receiver.Name, PartisanTarget.Named("inbox"), new Ping(text), options);
                    await sender.ForwardMessageAsync(receiver.Name, mailboxes[receiver.Name].Self, new Ping(text), options);
                    var grain = _cluster.Client.GetGrain<IRecorderGrain>(receiver.Name.Value);
                    await sender.CastMessageAsync(receiver.Name, PartisanTarget.Grain(grain), new Ping(text), options);
                    expected++;
                }
            }
        }

        await Eventually.Until(() => received.Count >= expected, PartisanCluster.Timeout, () => $"{expected} messages at named receivers, got {received.Count}");
        foreach (var sender in nodes)
        {
            foreach (var receiver in nodes.Where(n => n.Name != sender.Name))
            {
                foreach (var channel in new[] { PartisanChannels.Default, "bulk" })
                {
                    var text = $"{sender.Name}->{receiver.Name}@{channel}";
                    Assert.Contains(received, r => r.To == receiver.Name && r.Message.From == sender.Name && r.Message.Channel == channel && ((Ping)r.Message.Message).Text == text && !r.Message.IsCast);
                }
            }
        }

        foreach (var receiver in nodes)
        {
            var inMailbox = new List<ReceivedMessage>();
            while (inMailbox.Count < 4)
            {
                using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
                inMailbox.Add(await mailboxes[receiver.Name].ReceiveAsync(timeout.Token));
            }

            Assert.Equal(4, inMailbox.Select(m => ((Ping)m.Message).Text).Distinct().Count());
            Assert.All(inMailbox, m => Assert.EndsWith($"->{receiver.Name}@{m.Channel}", ((Ping)m.Message).Text));

            var grain = _cluster.Client.GetGrain<IRecorderGrain>(receiver.Name.Value);
            await Eventually.Until(async () => (await grain.GetReceived()).Count >= 4, PartisanCluster.Timeout, () => $"4 messages at grain of {receiver.Name}");
            var atGrain = await grain.GetReceived();
            Assert.All(atGrain, m => Assert.True(m.IsCast));
            Assert.Equal(4, atGrain.Select(m => ((Ping)m.Message).Text).Distinct().Count());
        }

        registrations.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Messages_with_object_fields_round_trip()
    {
        var (a, b) = (_cluster.Nodes[0], _cluster.Nodes[1]);
        using var mailbox = b.CreateMailbox();
        await a.ForwardMessageAsync(b.Name, mailbox.Self, new Ping("nested", new Ping("inner", 42)));
        using var timeout = new CancellationTokenSource(PartisanCluster.Timeout);
        var message = (Ping)(await mailbox.ReceiveAsync(timeout.Token)).Message;
        Assert.Equal(new Ping("inner", 42), message.Extra);
    }

    [Fact]
    public async Task Sending_to_an_unknown_node_or_channel_is_a_clear_error()
    {
        var node = _cluster.Nodes[0];
        var stranger = new NodeName("127.0.0.1:1@1");
        var unknownNode = await Assert.ThrowsAsync<UnknownNodeException>(() => node.ForwardMessageAsync(stranger, PartisanTarget.Named("x"), new Ping("?")).AsTask());
        Assert.Equal(stranger, unknownNode.Node);
        var unknownChannel = await Assert.ThrowsAsync<UnknownChannelException>(() => node.ForwardMessageAsync(_cluster.Nodes[1].Name, PartisanTarget.Named("x"), new Ping("?"), new ForwardOptions { Channel = "nope" }).AsTask());
        Assert.Contains("bulk", unknownChannel.Message);
        Assert.Throws<UnknownChannelException>(() => node.GetChannelOptions("nope"));
        Assert.Equal(2, node.GetChannelOptions("bulk").Parallelism);
    }

    [Fact]
    public async Task Peer_service_manager_grain_reports_each_silos_view_to_a_client()
    {
        foreach (var silo in _cluster.Silos)
        {
            var manager = _cluster.Client.GetPeerServiceManager(silo.SiloAddress);
            var spec = await manager.GetNodeSpec();
            Assert.Equal(silo.SiloAddress.GetNodeName(), spec.Name);
            Assert.Equal(3, (await manager.GetMembers()).Count);

            // A peer counts a lane it accepted once it has read the dialler's hello, which may follow convergence.
            IReadOnlyList<ConnectionInfo> connections = [];
            await Eventually.Until(
                async () =>
                {
                    connections = await manager.GetConnections();
                    return connections.Count(c => c.Direction == ConnectionDirection.Outbound) == 2 * 3
                        && connections.Count(c => c.Direction == ConnectionDirection.Inbound) == 2 * 3;
                },
                PartisanCluster.Timeout,
                () => $"{spec.Name} reporting 6 outbound and 6 inbound connections; it reports [{string.Join(", ", connections)}]");
        }
    }
}
