using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.Tests.Hosting;

public sealed class PartisanTlsOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones_tls_is_off_and_nothing_is_checked()
    {
        var o = new PartisanTlsOptions();
        Assert.False(o.Enabled);
        Assert.Null(o.LocalCertificate);
        Assert.Null(o.LocalServerCertificateSelector);
        Assert.Null(o.LocalClientCertificateSelector);
        Assert.Empty(o.IntermediateCertificates);
        Assert.Empty(o.TrustedRootCertificates);
        Assert.Equal(PartisanRemoteCertificateMode.RequireCertificate, o.RemoteCertificateMode);
        Assert.Null(o.RemoteCertificateValidation);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, o.SslProtocols);
        Assert.False(o.CheckCertificateRevocation);
        Assert.Empty(o.Validate());
        Assert.Empty(PartisanTlsOptionsValidator.Validate(o, isSilo: true));
    }

    [Fact]
    public void A_silo_with_tls_on_needs_a_certificate_and_a_client_does_not()
    {
        var o = new PartisanTlsOptions { Enabled = true };
        Assert.Contains(PartisanTlsOptionsValidator.Validate(o, isSilo: true), e => e.StartsWith("A silo needs a certificate to present", StringComparison.Ordinal));
        Assert.Empty(PartisanTlsOptionsValidator.Validate(o, isSilo: false));
        o.LocalCertificate = TestCertificates.Instance.Node("silo");
        Assert.Empty(PartisanTlsOptionsValidator.Validate(o, isSilo: true));
    }

    [Fact]
    public void Invalid_settings_are_named_with_the_reason()
    {
        var expired = TestCertificates.Instance.ExpiredNode("old");
        var o = new PartisanTlsOptions { Enabled = true, LocalCertificate = expired, RemoteCertificateMode = (PartisanRemoteCertificateMode)7 };
#pragma warning disable CS0618, SYSLIB0039 // SSL 3.0 is named to check that it is refused.
        o.SslProtocols = SslProtocols.Ssl3 | SslProtocols.Tls12;
#pragma warning restore CS0618, SYSLIB0039
        var errors = PartisanTlsOptionsValidator.Validate(o, isSilo: true);
        Assert.Contains(errors, e => e == $"LocalCertificate CN=old expired on {expired.NotAfter.ToUniversalTime():u}.");
        Assert.Contains(errors, e => e.StartsWith("SslProtocols must not include SSL 2.0 or 3.0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == "RemoteCertificateMode 7 is not a known mode.");
    }

    [Fact]
    public void A_certificate_without_its_key_or_without_both_usages_is_refused_at_start_up()
    {
        var node = TestCertificates.Instance.Node("node");
        var publicOnly = X509CertificateLoader.LoadCertificate(node.RawData);
        var errors = new PartisanTlsOptions { Enabled = true, LocalCertificate = publicOnly }.Validate();
        Assert.Contains(errors, e => e.StartsWith("LocalCertificate CN=node has no private key", StringComparison.Ordinal));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=server-only", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serverOnly = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        errors = new PartisanTlsOptions { Enabled = true, LocalCertificate = serverOnly }.Validate();
        Assert.Contains(errors, e => e.Contains("lacks the extended key usage Client Authentication (1.3.6.1.5.5.7.3.2)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_authentication_options_carry_the_settings_and_the_policies_run_last()
    {
        var certificates = TestCertificates.Instance;
        var o = new PartisanTlsOptions { Enabled = true, LocalCertificate = certificates.Node("n"), CheckCertificateRevocation = true, SslProtocols = SslProtocols.Tls13 };
        certificates.Trust(o);
        o.OnAuthenticateAsServer = s => s.AllowRenegotiation = false;
        EndPoint? dialled = null;
        o.OnAuthenticateAsClient = (endpoint, c) =>
        {
            dialled = endpoint;
            c.TargetHost = "n.example";
        };

        var server = o.CreateServerAuthenticationOptions();
        Assert.True(server.ClientCertificateRequired);
        Assert.Equal(SslProtocols.Tls13, server.EnabledSslProtocols);
        Assert.Equal(X509RevocationMode.Online, server.CertificateRevocationCheckMode);
        Assert.NotNull(server.ServerCertificateContext);
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, server.CertificateChainPolicy!.TrustMode);
        Assert.Contains(certificates.Root, server.CertificateChainPolicy.CustomTrustStore);
        Assert.Contains(certificates.Intermediate, server.CertificateChainPolicy.ExtraStore);
        Assert.False(server.AllowRenegotiation);

        var remote = new IPEndPoint(IPAddress.Loopback, 11111);
        var client = o.CreateClientAuthenticationOptions(remote);
        Assert.Equal(remote, dialled);
        Assert.Equal("n.example", client.TargetHost);
        Assert.NotNull(client.ClientCertificateContext);
        Assert.Same(server.ServerCertificateContext, client.ClientCertificateContext);

        o.RemoteCertificateMode = PartisanRemoteCertificateMode.NoCertificate;
        Assert.False(o.CreateServerAuthenticationOptions().ClientCertificateRequired);
        Assert.Throws<InvalidOperationException>(() => new PartisanTlsOptions { Enabled = true }.CreateServerAuthenticationOptions());
    }

    [Fact]
    public void UsePartisanTls_turns_tls_on_with_the_certificate_and_registers_the_validator_once()
    {
        var certificate = TestCertificates.Instance.Node("silo");
        var services = new ServiceCollection();
        var builder = new TestSiloBuilder(services);
        builder.UsePartisanTls(certificate, o => o.RemoteCertificateMode = PartisanRemoteCertificateMode.AllowCertificate);
        builder.UsePartisanTls(o => o.CheckCertificateRevocation = true);

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PartisanTlsOptions>>().Value;
        Assert.True(options.Enabled);
        Assert.Same(certificate, options.LocalCertificate);
        Assert.Equal(PartisanRemoteCertificateMode.AllowCertificate, options.RemoteCertificateMode);
        Assert.True(options.CheckCertificateRevocation);
        Assert.Single(provider.GetServices<IConfigurationValidator>().OfType<PartisanTlsOptionsValidator>());
    }

    private sealed class TestSiloBuilder(IServiceCollection services) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = services;

        public Microsoft.Extensions.Configuration.IConfiguration Configuration { get; } = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
    }
}
