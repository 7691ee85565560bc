using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Tests.Shared;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>TLS under the overlay's handshake, between transports on loopback, with certificates made in the test.</summary>
public sealed class TransportTlsTests
{
    private static readonly TestCertificates Certificates = TestCertificates.Instance;

    [Fact]
    public async Task Two_nodes_with_certificates_under_an_intermediate_exchange_messages_both_ways()
    {
        using var refused = new CounterProbe(PartisanMetrics.ConnectionsRefused, "reason", TlsHandshake.Reason);
        await using var a = await StartAsync("a", Tls(Certificates.Node("a")));
        await using var b = await StartAsync("b", Tls(Certificates.Node("b")));
        a.Transport.Connect(b.Spec);
        b.Transport.Connect(a.Spec);
        await a.WaitFullyConnectedAsync(b);
        await b.WaitFullyConnectedAsync(a);

        var large = new Blob(1, 1, new byte[300 * 1024]);
        await a.Transport.SendAsync(b.Name, PartisanChannels.Default, new Numbered(1, 1), null, null, CancellationToken.None);
        await a.Transport.SendAsync(b.Name, PartisanChannels.Default, large, null, null, CancellationToken.None);
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new Numbered(2, 2), null, null, CancellationToken.None);
        await b.Events.WaitForMessagesAsync(2, "a small and a 300 KiB message from a over TLS");
        await a.Events.WaitForMessagesAsync(1, "a message from b over TLS");

        Assert.Equal(new Numbered(1, 1), b.Events.Messages[0].Message);
        Assert.Equal(large.Data.Length, Assert.IsType<Blob>(b.Events.Messages[1].Message).Data.Length);
        Assert.Equal(new Numbered(2, 2), a.Events.Messages[0].Message);
        Assert.Equal(0, refused.Total);
        Assert.Equal(0, a.Logger.Entries.Count(e => e.Level >= LogLevel.Warning));
    }

    [Fact]
    public async Task A_node_that_trusts_only_the_root_needs_the_intermediate_its_peer_sends()
    {
        // a knows the root only; b and c hold certificates under the intermediate, b configured to send it, c not.
        var rootOnly = new PartisanTlsOptions { Enabled = true, LocalCertificate = Certificates.Node("a") };
        rootOnly.TrustedRootCertificates.Add(Certificates.Root);
        var leafOnly = new PartisanTlsOptions { Enabled = true, LocalCertificate = Certificates.Node("c") };
        leafOnly.TrustedRootCertificates.Add(Certificates.Root);
        await using var a = await StartAsync("a", rootOnly);
        await using var b = await StartAsync("b", Tls(Certificates.Node("b")));
        await using var c = await StartAsync("c", leafOnly);

        b.Transport.Connect(a.Spec);
        await TestSupport.WaitUntilAsync(() => b.Transport.IsFullyConnected(a.Name), "b, which sends its intermediate, accepted by a");
        c.Transport.Connect(a.Spec);
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, "its certificate CN=c was refused: no chain to a trusted root could be built from CN=c (issuer CN=Partisan Test Intermediate)") >= 1,
            "c, which sends its certificate alone, refused by a for want of the intermediate");
        Assert.False(c.Transport.IsConnected(a.Name));
    }

    [Fact]
    public async Task A_plaintext_dialler_cannot_read_a_tls_listeners_hello()
    {
        await using var a = await StartAsync("a", Tls(Certificates.Node("a")), TimeSpan.FromMilliseconds(300));
        await using var raw = await RawDialler.ConnectAsync(a.EndPoint);

        // A TLS listener waits for a ClientHello: nothing in clear text reaches a peer that has not authenticated.
        await raw.WaitForCloseAsync("the TLS listener to close a connection that never started TLS");
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Warning, "no TLS handshake within") == 1, "the refusal logged");
    }

    [Fact]
    public async Task A_node_under_another_certificate_authority_is_refused_both_ways_with_the_reason()
    {
        using var refused = new CounterProbe(PartisanMetrics.ConnectionsRefused, "reason", TlsHandshake.Reason);

        // Every refusal below must name the certificate, so no handshake may run out of time first: under load a
        // handshake can take longer than the nodes' usual 3 s, and a refusal for that (or for the dialler giving up,
        // an end of stream) is another reason. The handshake limit is the test's own wait, which it never reaches.
        await using var a = await StartAsync("a", Tls(Certificates.Node("a")), TestSupport.Timeout);
        await using var b = await StartAsync("b", Tls(Certificates.WrongAuthorityNode("b")), TestSupport.Timeout);
        b.Transport.Connect(a.Spec);
        a.Transport.Connect(b.Spec);

        const string Reason = "its certificate CN=b was refused: no chain to a trusted root could be built from CN=b (issuer CN=Some Other Root)";
        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, $"Refused TLS connection from") >= 1
                && a.Logger.Count(LogLevel.Warning, $"Refused TLS connection to {b.EndPoint}: {Reason}") >= 1,
            "a to refuse b's certificate as the acceptor and as the dialler");
        var reasons = a.Logger.Entries.Where(e => e.Id.Id == 3017).Select(e => e.Message).ToList();
        Assert.All(reasons, r => Assert.Contains(Reason, r, StringComparison.Ordinal));
        Assert.True(refused.Total >= 2, $"refusals counted with reason tls: {refused.Total}");
        Assert.Empty(a.Events.PeerEvents);
        Assert.Empty(b.Events.PeerEvents);
        Assert.Empty(a.Transport.GetConnections());
    }

    [Fact]
    public async Task An_expired_certificate_is_refused_with_its_expiry()
    {
        var expired = Certificates.ExpiredNode("old");
        await using var a = await StartAsync("a", Tls(Certificates.Node("a")));
        await using var old = await StartAsync("old", Tls(expired));
        old.Transport.Connect(a.Spec);

        await TestSupport.WaitUntilAsync(
            () => a.Logger.Count(LogLevel.Warning, $"its certificate CN=old was refused: CN=old expired on {expired.NotAfter.ToUniversalTime():u}") >= 1,
            "the expired certificate refused with its expiry date");
        Assert.Empty(a.Transport.GetConnections());
        Assert.False(old.Transport.IsConnected(a.Name));
    }

    [Fact]
    public async Task A_dialler_without_a_certificate_is_refused_unless_the_listener_allows_it()
    {
        await using var a = await StartAsync("a", Tls(Certificates.Node("a")));
        await using var anonymous = await StartAsync("anonymous", Tls(certificate: null));
        anonymous.Transport.Connect(a.Spec);
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Warning, "it presented no certificate") >= 1, "a dialler without a certificate refused");
        Assert.Empty(a.Transport.GetConnections());

        await using var lenient = await StartAsync("lenient", Tls(Certificates.Node("lenient"), o => o.RemoteCertificateMode = PartisanRemoteCertificateMode.AllowCertificate));
        anonymous.Transport.Connect(lenient.Spec);
        await TestSupport.WaitUntilAsync(() => anonymous.Transport.IsFullyConnected(lenient.Name), "the anonymous dialler connected where certificates are optional");
    }

    [Fact]
    public async Task The_validation_callback_decides_and_its_refusal_is_logged()
    {
        var seen = new List<string>();
        await using var a = await StartAsync("a", Tls(Certificates.Node("a"), o => o.RemoteCertificateValidation = (certificate, _, errors) =>
        {
            lock (seen)
            {
                seen.Add($"{certificate.Subject} {errors}");
            }

            return errors == System.Net.Security.SslPolicyErrors.None && certificate.Subject == "CN=friend";
        }));
        await using var stranger = await StartAsync("stranger", Tls(Certificates.Node("stranger")));
        await using var friend = await StartAsync("friend", Tls(Certificates.Node("friend")));
        stranger.Transport.Connect(a.Spec);
        friend.Transport.Connect(a.Spec);

        await TestSupport.WaitUntilAsync(() => friend.Transport.IsFullyConnected(a.Name), "the friend accepted");
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Warning, "its certificate CN=stranger was refused by RemoteCertificateValidation") >= 1, "the stranger refused by the callback");
        lock (seen)
        {
            Assert.Contains("CN=friend None", seen);
        }
    }

    [Fact]
    public async Task A_tls_dialler_and_a_plaintext_listener_each_say_what_is_wrong()
    {
        using var refused = new CounterProbe(PartisanMetrics.ConnectionsRefused, "reason", TlsHandshake.Reason);
        await using var plain = await TestNode.StartAsync("plain");
        await using var secure = await StartAsync("secure", Tls(Certificates.Node("secure")));

        var error = await Assert.ThrowsAsync<ConnectionRefusedException>(() => secure.Transport.ProbeAsync(plain.EndPoint, CancellationToken.None));
        Assert.Equal(TlsHandshake.Reason, error.Reason);
        Assert.Contains("the TLS handshake failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("is TLS on at that node?", error.Message, StringComparison.Ordinal);

        secure.Transport.Connect(plain.Spec);
        await TestSupport.WaitUntilAsync(
            () => plain.Logger.Count(LogLevel.Warning, "the peer opened a TLS handshake, and TLS is off on this node") >= 2
                && secure.Logger.Count(LogLevel.Warning, $"Refused TLS connection to {plain.EndPoint}: the TLS handshake failed") >= 2,
            "both sides to log the mismatch, for the probe and for the dial");
        Assert.True(refused.Total >= 4, $"refusals counted with reason tls on both sides: {refused.Total}");
        Assert.Empty(plain.Transport.GetConnections());
        Assert.Empty(secure.Events.PeerEvents);
    }

    [Fact]
    public async Task A_plaintext_node_dialling_a_tls_node_is_refused_after_the_connect_timeout_with_the_reason()
    {
        using var refused = new CounterProbe(PartisanMetrics.ConnectionsRefused, "reason", TlsHandshake.Reason);
        var quick = TimeSpan.FromMilliseconds(300);
        await using var secure = await StartAsync("secure", Tls(Certificates.Node("secure")), quick);
        await using var plain = await TestNode.StartAsync("plain", configure: s => s with { ConnectTimeout = quick });
        plain.Transport.Connect(secure.Spec);

        await TestSupport.WaitUntilAsync(
            () => secure.Logger.Count(LogLevel.Warning, "no TLS handshake within 00:00:00.3000000: the peer does not speak TLS") >= 1 && refused.Total >= 1,
            "the TLS node to refuse the plaintext dialler, logged and counted");
        Assert.Empty(secure.Transport.GetConnections());
        Assert.Empty(plain.Events.PeerEvents);
    }

    private static PartisanTlsOptions Tls(X509Certificate2? certificate, Action<PartisanTlsOptions>? configure = null)
    {
        var options = new PartisanTlsOptions { Enabled = true, LocalCertificate = certificate };
        Certificates.Trust(options);
        configure?.Invoke(options);
        return options;
    }

    private static Task<TestNode> StartAsync(string name, PartisanTlsOptions tls, TimeSpan? connectTimeout = null)
        => TestNode.StartAsync(name, configure: s => s with { Tls = tls, ConnectTimeout = connectTimeout ?? s.ConnectTimeout });
}
