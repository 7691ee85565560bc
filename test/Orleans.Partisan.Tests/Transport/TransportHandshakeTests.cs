using System.Net;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Tests.Transport;

public sealed class TransportHandshakeTests
{
    [Fact]
    public async Task A_node_of_another_cluster_is_refused_by_the_dialler_and_never_reported_up()
    {
        await using var a = await TestNode.StartAsync("a", "main");
        await using var other = await TestNode.StartAsync("b", "other");
        a.Transport.Connect(other.Spec);

        // The dialler refuses, and keeps retrying (a restarted node might be there next time).
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, $"Refused connection to {other.EndPoint}: cluster id 'other' is not ours ('main')") >= 2,
            "two refusals of the other cluster's node logged at Warning");
        Assert.Empty(a.Events.PeerEvents);
        Assert.False(a.Transport.IsConnected(other.Name));
        Assert.Empty(other.Inbound(a.Name));
    }

    [Fact]
    public async Task A_dialler_of_another_cluster_is_refused_by_the_acceptor()
    {
        await using var a = await TestNode.StartAsync("a", "main");
        await using var raw = await RawDialler.HandshakeAsync(a, name: "intruder", clusterId: "other");
        await raw.WaitForCloseAsync("the acceptor to close a connection from another cluster");
        var local = (IPEndPoint)raw.Socket.LocalEndPoint!;
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, $"Refused connection from {local}: cluster id 'other' is not ours ('main')") == 1,
            "the refusal logged at Warning");
        Assert.Empty(a.Transport.GetConnections());
        Assert.Empty(a.Events.Messages);
    }

    [Fact]
    public async Task A_transport_of_another_cluster_cannot_connect_either_way()
    {
        using var refused = new CounterProbe(PartisanMetrics.ConnectionsRefused, "reason", "cluster_id");
        await using var a = await TestNode.StartAsync("a", "main");
        await using var other = await TestNode.StartAsync("b", "other");
        other.Transport.Connect(a.Spec);
        a.Transport.Connect(other.Spec);
        // A refusal is logged, then counted: wait for both.
        await TestSupport.WaitUntilAsync(
            () => other.Logger.Count(LogLevel.Warning, "cluster id 'main' is not ours ('other')") >= 1
                && a.Logger.Count(LogLevel.Warning, "cluster id 'other' is not ours ('main')") >= 1
                && refused.Total >= 2,
            "both diallers to refuse the other cluster, logged and counted as cluster_id refusals");
        Assert.Empty(a.Events.PeerEvents);
        Assert.Empty(other.Events.PeerEvents);
    }

    [Fact]
    public async Task A_node_that_is_not_the_one_expected_is_refused()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var b = await TestNode.StartAsync("b");
        var wrong = new NodeSpec(new NodeName("x"), b.Spec.ListenAddresses, b.Spec.Channels);
        a.Transport.Connect(wrong);
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, $"Refused node 'b' at {b.EndPoint}: expected node 'x'") >= 1,
            "the wrong node refused at Warning");
        Assert.Empty(a.Events.PeerEvents);
        Assert.False(a.Transport.IsConnected(new NodeName("x")));

        // After the refusal a right spec connects.
        a.Transport.Disconnect(wrong.Name);
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);
        Assert.Equal(["up:b"], a.Events.PeerEvents);
    }

    [Fact]
    public async Task A_dialler_asking_for_an_unknown_channel_is_refused()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var raw = await RawDialler.HandshakeAsync(a, channel: "nope");
        await raw.WaitForCloseAsync("the acceptor to close a connection for an unknown channel");
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Warning, "channel 'nope' (lane 0) is not configured here") == 1, "the refusal logged");
    }

    [Fact]
    public async Task An_accepted_socket_that_never_says_hello_is_closed_after_the_connect_timeout()
    {
        await using var a = await TestNode.StartAsync("a", configure: s => s with { ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        await using var raw = await RawDialler.ConnectAsync(a.EndPoint);
        await raw.ReadHelloAsync();
        await raw.WaitForCloseAsync("the acceptor to give up on a silent dialler");
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Warning, "no handshake within") == 1, "the timeout logged");
    }

    [Fact]
    public async Task A_probe_returns_the_spec_of_the_node_there_and_the_acceptor_stays_quiet()
    {
        await using var a = await TestNode.StartAsync("a", channels: TestSupport.Channels(("bulk", 2, false)));
        await using var b = await TestNode.StartAsync("b");
        var spec = await b.Transport.ProbeAsync(a.EndPoint, CancellationToken.None);
        Assert.Equal(a.Spec, spec);
        Assert.Equal(2, spec.Channels["bulk"].Parallelism);
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Debug, "closed before its handshake") == 1, "the probe's close logged at Debug");
        Assert.Equal(0, a.Logger.Entries.Count(e => e.Level >= LogLevel.Warning));
        Assert.Empty(a.Transport.GetConnections());
    }

    [Fact]
    public async Task A_probe_of_another_cluster_fails()
    {
        await using var a = await TestNode.StartAsync("a", "main");
        await using var other = await TestNode.StartAsync("b", "other");
        var error = await Assert.ThrowsAsync<ConnectionRefusedException>(() => a.Transport.ProbeAsync(other.EndPoint, CancellationToken.None));
        Assert.Equal("cluster_id", error.Reason);
        Assert.Contains("cluster id 'other' is not ours ('main')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_spec_advertises_the_bound_port_and_the_channels()
    {
        var channels = TestSupport.Channels(("bulk", 3, false), ("state", 1, true));
        await using var a = await TestNode.StartAsync("a", channels: channels);
        var endpoint = Assert.Single(a.Spec.ListenAddresses);
        Assert.Equal(IPAddress.Loopback, endpoint.Address);
        Assert.NotEqual(0, endpoint.Port);
        Assert.Equal(channels, a.Spec.Channels);
    }
}
