using System.Collections.Concurrent;
using Orleans.Partisan.Testing;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Acknowledged delivery (<see cref="ForwardOptions.Ack"/>) between the silos of a real cluster, through connection resets and silo loss.</summary>
public sealed class AckedDeliveryClusterTests
{
    private const string Inbox = "acked-inbox";

    [Fact]
    public async Task Acked_messages_survive_connection_resets_and_lost_acknowledgements_and_are_delivered_exactly_once_in_order()
    {
        using var metrics = new MetricTotals();
        await using var cluster = await PartisanCluster.StartAsync(
            3,
            o =>
            {
                o.GossipInterval = TimeSpan.FromMilliseconds(300); // a disconnected member is dialled again at the next tick
                o.Delivery.RetransmitInterval = TimeSpan.FromMilliseconds(200);
            },
            silo => silo.AddPartisanFaultInjection());
        await cluster.WaitForConvergedAsync();
        var (sender, receiver) = (cluster.Node(cluster.Silos[0]), cluster.Node(cluster.Silos[1]));
        var arrived = new ConcurrentQueue<string>();
        using var inbox = receiver.RegisterReceiver(Inbox, m => arrived.Enqueue(((Ping)m.Message).Text));
        var faults = cluster.Cluster.PartisanFaults();

        var sends = new List<Task>();
        Task Send(int i) => sender.ForwardMessageAsync(receiver.Name, PartisanTarget.Named(Inbox), new Ping($"{i}"), new ForwardOptions { Ack = true, Channel = "bulk", PartitionKey = 3 }).AsTask();

        // Every acknowledgement of the first 100 is lost until a retransmitted copy has come back and been dropped as a
        // duplicate: a lost acknowledgement that a later one covers retransmits nothing, so losing only some is not enough.
        using (faults.Drop(from: receiver.Name, to: sender.Name))
        {
            for (var i = 0; i < 100; i++)
            {
                sends.Add(Send(i));
            }

            await Eventually.Until(
                () => arrived.Count >= 100 && metrics[PartisanMetrics.MessagesDuplicate] > 0,
                PartisanCluster.Timeout,
                () => $"the first 100 messages delivered and a retransmitted copy dropped as a duplicate; {arrived.Count} delivered, {metrics[PartisanMetrics.MessagesRetransmitted]} retransmitted, {metrics[PartisanMetrics.MessagesDuplicate]} duplicates");
        }

        // Then half of the acknowledgements are lost, and the sender's connections are reset twice.
        using var lostAcks = faults.Drop(from: receiver.Name, to: sender.Name, probability: 0.5, seed: 11);
        for (var i = 100; i < 300; i++)
        {
            if (i is 100 or 200)
            {
                // A connection reset: the sender's connections to the receiver close with what they hold, and come back.
                await sender.DisconnectNodeAsync(receiver.Name);
            }

            sends.Add(Send(i));
        }

        await Task.WhenAll(sends).WaitAsync(PartisanCluster.Timeout);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"{i}"), arrived);
        Assert.True(metrics[PartisanMetrics.MessagesRetransmitted] > 0, "nothing was retransmitted: the resets and lost acknowledgements did not bite");
        Assert.True(metrics[PartisanMetrics.MessagesDuplicate] > 0, "no copy was dropped as a duplicate");
        Assert.True(metrics[PartisanMetrics.MessagesAcked] >= 300, $"{metrics[PartisanMetrics.MessagesAcked]} acknowledged"); // other tests of the process may count too
    }

    [Fact]
    public async Task An_acked_send_to_a_silo_that_stops_fails_with_AckNodeDownException()
    {
        await using var cluster = await PartisanCluster.StartAsync(3, configureSilo: silo => silo.AddPartisanFaultInjection());
        await cluster.WaitForConvergedAsync();
        var sender = cluster.Node(cluster.Silos[0]);
        var stopping = cluster.Silos[2];
        var target = stopping.SiloAddress.GetNodeName();

        // Nothing gets through to the silo, so the send waits for its acknowledgement until the silo is gone.
        using var cut = cluster.Cluster.PartisanFaults().Drop(from: sender.Name, to: target);
        var send = sender.ForwardMessageAsync(target, PartisanTarget.Named(Inbox), new Ping("never acknowledged"), new ForwardOptions { Ack = true }).AsTask();
        await cluster.Cluster.StopSiloAsync(stopping);

        var down = await Assert.ThrowsAsync<AckNodeDownException>(() => send.WaitAsync(PartisanCluster.Timeout));
        Assert.Equal((target, NodeDownReason.Left), (down.Node, down.Reason));
    }

    [Fact]
    public async Task With_fail_on_node_down_an_acked_send_to_a_killed_silo_fails_with_AckNodeDownException()
    {
        await using var cluster = await PartisanCluster.StartAsync(3, o => o.Delivery.FailOnNodeDown = true, silo => silo.AddPartisanFaultInjection());
        await cluster.WaitForConvergedAsync();
        var sender = cluster.Node(cluster.Silos[0]);
        var killed = cluster.Silos[2];
        var target = killed.SiloAddress.GetNodeName();

        using var cut = cluster.Cluster.PartisanFaults().Drop(from: sender.Name, to: target);
        var send = sender.ForwardMessageAsync(target, PartisanTarget.Named(Inbox), new Ping("never acknowledged"), new ForwardOptions { Ack = true }).AsTask();
        await cluster.Cluster.KillSiloAsync(killed);

        var down = await Assert.ThrowsAsync<AckNodeDownException>(() => send.WaitAsync(PartisanCluster.Timeout));
        Assert.Equal(target, down.Node);
        Assert.Contains(down.Reason, new[] { NodeDownReason.ConnectionClosed, NodeDownReason.Left }); // whichever the silo saw first
    }

    [Fact]
    public async Task An_acked_message_to_a_grain_is_acknowledged_once_the_grain_call_returned()
    {
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var (sender, receiver) = (cluster.Node(cluster.Silos[0]), cluster.Node(cluster.Silos[1]));
        var grain = cluster.Client.GetGrain<IRecorderGrain>("acked");

        await sender.ForwardMessageAsync(receiver.Name, PartisanTarget.Grain(grain), new Ping("to a grain"), new ForwardOptions { Ack = true });

        var received = Assert.Single(await grain.GetReceived());
        Assert.Equal(("to a grain", sender.Name), (((Ping)received.Message).Text, received.From));
    }
}
