using System.Net.Sockets;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.ClusterTests;

/// <summary>A 3-silo cluster whose overlay runs over mutual TLS (<c>UsePartisanTls</c>), with certificates made in the test.</summary>
public sealed class TlsClusterTests
{
    [Fact]
    public async Task Silos_with_UsePartisanTls_form_the_overlay_deliver_messages_and_refuse_a_plaintext_peer()
    {
        var certificates = TestCertificates.Instance;
        var certificate = certificates.Node("silo");
        using var metrics = new MetricTotals("reason", "tls"); // other tests in this process refuse for other reasons
        // The test asserts that no silo is refused for any reason: a TLS handshake slowed past ConnectTimeout by a loaded
        // machine is refused (and counted) like a bad one, so the limit must not be reachable before the test's own waits end.
        await using var cluster = await PartisanCluster.StartAsync(
            3,
            configure: o => o.ConnectTimeout = PartisanCluster.Timeout,
            configureSilo: silo => silo.UsePartisanTls(certificate, certificates.Trust));
        await cluster.WaitForConvergedAsync();

        var nodes = cluster.Nodes;
        var received = new System.Collections.Concurrent.ConcurrentBag<(NodeName To, ReceivedMessage Message)>();
        var registrations = nodes.Select(n => n.RegisterReceiver("inbox", m => received.Add((n.Name, m)))).ToList();
        foreach (var sender in nodes)
        {
            foreach (var receiver in nodes.Where(n => n.Name != sender.Name))
            {
                await sender.ForwardMessageAsync(receiver.Name, PartisanTarget.Named("inbox"), new Ping($"{sender.Name}->{receiver.Name}"), new ForwardOptions { Channel = "bulk" });
            }
        }

        await Eventually.Until(() => received.Count >= 6, PartisanCluster.Timeout, () => $"6 messages over TLS, got {received.Count}");
        Assert.All(received, r => Assert.Equal($"{r.Message.From}->{r.To}", ((Ping)r.Message.Message).Text));
        Assert.Equal(0, metrics[PartisanMetrics.ConnectionsRefused]);

        // A peer that speaks the overlay's protocol in clear text gets no hello and is refused.
        using var plaintext = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await plaintext.ConnectAsync(nodes[0].Spec.ListenAddresses[0]);
        await plaintext.SendAsync(new byte[] { 40, 0, 0, 0, 0, 1, 2, 3 });
        var buffer = new byte[64];
        using var wait = new CancellationTokenSource(PartisanCluster.Timeout);
        Assert.Equal(0, await plaintext.ReceiveAsync(buffer, SocketFlags.None, wait.Token));
        await Eventually.Until(() => metrics[PartisanMetrics.ConnectionsRefused] == 1, PartisanCluster.Timeout, () => "the plaintext peer counted as refused");
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }
}
