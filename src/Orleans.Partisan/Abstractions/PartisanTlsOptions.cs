using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Partisan;

/// <summary>
/// TLS on the links the library opens: the overlay's connections and, with storage-free clustering, the seeds' Raft
/// traffic and the table service. Off by default; <c>UsePartisanTls(certificate)</c> on the silo (and on clients of
/// storage-free clustering) turns it on. Shaped like Orleans' <c>TlsOptions</c> (Microsoft.Orleans.Connections.Security),
/// so the certificate a silo gives Orleans' <c>UseTls</c> can be given here too.
/// </summary>
/// <remarks>
/// <para>
/// Every node is both a server (peers dial it) and a client (it dials peers), and presents the same certificate in
/// both roles: give it the Server Authentication and Client Authentication extended key usages, or none. A peer's
/// certificate is accepted when its chain leads to a trusted root (<see cref="TrustedRootCertificates"/>, or the
/// system's roots) and is within its validity period, or when <see cref="RemoteCertificateValidation"/> says so.
/// Host names are not compared (nodes are dialled by address and identified by their certificate and then by the
/// overlay's handshake), unless <see cref="OnAuthenticateAsClient"/> sets a <c>TargetHost</c>.
/// </para>
/// <para>
/// A peer that is refused is logged with the reason (no certificate, an expired one, an untrusted chain, a peer that
/// does not speak TLS) and its connection closed; the overlay counts it in <see cref="PartisanMetrics.ConnectionsRefused"/>
/// with reason <c>tls</c>. The options are read when a link is first secured; change them before the silo starts.
/// </para>
/// </remarks>
public sealed class PartisanTlsOptions
{
    private readonly Lock _contextLock = new();
    private SslStreamCertificateContext? _localContext;
    private X509Certificate2? _localContextCertificate;

    /// <summary>
    /// Whether the links are secured. Default <see langword="false"/> (plaintext, as before TLS existed);
    /// <c>UsePartisanTls</c> sets it. Every node of a cluster, and every client of its seeds, must agree.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// This node's certificate, with its private key, presented as a server and as a client (it may be the
    /// certificate the silo gives Orleans' <c>UseTls</c>). Required on a silo unless
    /// <see cref="LocalServerCertificateSelector"/> is set; optional on a client of the seeds (then it can reach
    /// them only if they allow it, see <see cref="RemoteCertificateMode"/>). Default <see langword="null"/>.
    /// </summary>
    public X509Certificate2? LocalCertificate { get; set; }

    /// <summary>
    /// Picks the server certificate for each accepted connection, by the host name the peer asked for (SNI; often
    /// <see langword="null"/>, since nodes dial addresses); takes precedence over <see cref="LocalCertificate"/>,
    /// which is used when it returns <see langword="null"/>. For certificate rotation. Default <see langword="null"/>.
    /// </summary>
    public Func<string?, X509Certificate2?>? LocalServerCertificateSelector { get; set; }

    /// <summary>
    /// Picks the client certificate for each connection this node dials, by the endpoint dialled; takes precedence
    /// over <see cref="LocalCertificate"/>, which is used when it returns <see langword="null"/>. Default
    /// <see langword="null"/>.
    /// </summary>
    public Func<EndPoint, X509Certificate2?>? LocalClientCertificateSelector { get; set; }

    /// <summary>
    /// Intermediate certificates between this node's certificate and its root: sent with the local certificate so
    /// that a peer can build the chain, and used to complete a peer's chain when the peer sends only its own
    /// certificate. Empty by default.
    /// </summary>
    public X509Certificate2Collection IntermediateCertificates { get; } = [];

    /// <summary>
    /// The roots a peer's chain must end at. When not empty, only these are trusted (a private certificate
    /// authority: .NET's custom root trust) and the system's root store is not consulted; when empty (the default),
    /// the system's trusted roots are.
    /// </summary>
    public X509Certificate2Collection TrustedRootCertificates { get; } = [];

    /// <summary>
    /// What this node requires of the nodes and clients that connect to it. Default
    /// <see cref="PartisanRemoteCertificateMode.RequireCertificate"/> (mutual TLS). The certificate of a node this
    /// node dials is always required.
    /// </summary>
    public PartisanRemoteCertificateMode RemoteCertificateMode { get; set; } = PartisanRemoteCertificateMode.RequireCertificate;

    /// <summary>
    /// Decides whether a peer's certificate is accepted, in place of the check of its chain (see
    /// <see cref="PartisanRemoteCertificateValidator"/>: it is given what that check found). Default
    /// <see langword="null"/>: a certificate is accepted when .NET finds no policy error.
    /// </summary>
    public PartisanRemoteCertificateValidator? RemoteCertificateValidation { get; set; }

    /// <summary>
    /// The TLS versions allowed. Default TLS 1.2 and 1.3, as Orleans; <see cref="SslProtocols.None"/> lets the
    /// operating system choose. SSL 2.0 and 3.0 are refused at start-up.
    /// </summary>
    public SslProtocols SslProtocols { get; set; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Whether a peer's certificate is checked for revocation (online). Default <see langword="false"/>.</summary>
    public bool CheckCertificateRevocation { get; set; }

    /// <summary>
    /// Adjusts the options of each accepted connection (and, for the seeds' Raft listener, of all its connections)
    /// after the settings above were applied: the server policy. Default <see langword="null"/>.
    /// </summary>
    public Action<SslServerAuthenticationOptions>? OnAuthenticateAsServer { get; set; }

    /// <summary>
    /// Adjusts the options of each connection this node dials, given the endpoint dialled, after the settings above
    /// were applied: the client policy (for example a <c>TargetHost</c>, which turns on host name checks). Default
    /// <see langword="null"/>.
    /// </summary>
    public Action<EndPoint, SslClientAuthenticationOptions>? OnAuthenticateAsClient { get; set; }

    /// <summary>Accepts any certificate a peer sends (it must still send one under <see cref="PartisanRemoteCertificateMode.RequireCertificate"/>). For tests only.</summary>
    public void AllowAnyRemoteCertificate() => RemoteCertificateValidation = (_, _, _) => true;

    /// <summary>Every problem with these options, one sentence each naming the option and why; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(RemoteCertificateMode))
        {
            errors.Add($"RemoteCertificateMode {RemoteCertificateMode} is not a known mode.");
        }

#pragma warning disable CS0618, SYSLIB0039 // SSL 2.0 and 3.0 are named only to refuse them.
        if ((SslProtocols & (SslProtocols.Ssl2 | SslProtocols.Ssl3)) != 0)
#pragma warning restore CS0618, SYSLIB0039
        {
            errors.Add($"SslProtocols must not include SSL 2.0 or 3.0; it is {SslProtocols}.");
        }

        if (LocalCertificate is { } certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                errors.Add($"LocalCertificate {certificate.Subject} has no private key: load it with its key (a PFX/PKCS#12 file, or the store).");
            }

            var now = TimeProvider.System.GetUtcNow();
            if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
            {
                errors.Add($"LocalCertificate {certificate.Subject} expired on {certificate.NotAfter.ToUniversalTime():u}.");
            }
            else if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
            {
                errors.Add($"LocalCertificate {certificate.Subject} is not valid until {certificate.NotBefore.ToUniversalTime():u}.");
            }

            if (RemoteCertificateCheck.MissingUsages(certificate) is { } missing)
            {
                errors.Add($"LocalCertificate {certificate.Subject} lacks the extended key usage {missing}: a node presents it both as a server and as a client.");
            }
        }

        return errors;
    }

    /// <summary>
    /// The .NET options these settings stand for, to authenticate as the server of one connection: the overlay's
    /// listener, the seeds' table service and Raft listener use them, and so can a link of your own.
    /// </summary>
    /// <param name="onRefused">Called with the reason, in words, when the peer's certificate is refused.</param>
    /// <exception cref="InvalidOperationException">Neither <see cref="LocalCertificate"/> nor <see cref="LocalServerCertificateSelector"/> is set.</exception>
    public SslServerAuthenticationOptions CreateServerAuthenticationOptions(Action<string>? onRefused = null)
    {
        var options = new SslServerAuthenticationOptions
        {
            ClientCertificateRequired = RemoteCertificateMode != PartisanRemoteCertificateMode.NoCertificate,
            EnabledSslProtocols = SslProtocols,
            CertificateRevocationCheckMode = RevocationMode,
            CertificateChainPolicy = CreateChainPolicy(),
        };
        if (LocalServerCertificateSelector is { } selector)
        {
            var fallback = LocalCertificate;
            options.ServerCertificateSelectionCallback = (_, hostName) => selector(hostName) ?? fallback!;
        }
        else
        {
            options.ServerCertificateContext = LocalContext()
                ?? throw new InvalidOperationException("TLS needs a server certificate: set PartisanTlsOptions.LocalCertificate or LocalServerCertificateSelector.");
        }

        var mode = RemoteCertificateMode;
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            RemoteCertificateCheck.Accept(this, mode, certificate, chain, errors, checkName: false, onRefused);
        OnAuthenticateAsServer?.Invoke(options);
        return options;
    }

    /// <summary>
    /// The .NET options these settings stand for, to authenticate as the client of one connection to
    /// <paramref name="remoteEndPoint"/>; see <see cref="CreateServerAuthenticationOptions"/>.
    /// </summary>
    /// <param name="remoteEndPoint">The endpoint dialled.</param>
    /// <param name="onRefused">Called with the reason, in words, when the peer's certificate is refused.</param>
    public SslClientAuthenticationOptions CreateClientAuthenticationOptions(EndPoint remoteEndPoint, Action<string>? onRefused = null)
    {
        ArgumentNullException.ThrowIfNull(remoteEndPoint);
        var options = new SslClientAuthenticationOptions
        {
            // No SNI and no host name check: the peer is identified by its chain (and then by the overlay's handshake).
            TargetHost = string.Empty,
            EnabledSslProtocols = SslProtocols,
            CertificateRevocationCheckMode = RevocationMode,
            CertificateChainPolicy = CreateChainPolicy(),
        };
        var selected = LocalClientCertificateSelector?.Invoke(remoteEndPoint);
        options.ClientCertificateContext = selected is null
            ? LocalContext()
            : SslStreamCertificateContext.Create(selected, IntermediateCertificates, offline: true);
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            RemoteCertificateCheck.Accept(this, PartisanRemoteCertificateMode.RequireCertificate, certificate, chain, errors, checkName: !string.IsNullOrEmpty(options.TargetHost), onRefused);
        OnAuthenticateAsClient?.Invoke(remoteEndPoint, options);
        return options;
    }

    private X509RevocationMode RevocationMode => CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;

    /// <summary>The trust a peer's chain is built under: the configured roots (or the system's) and intermediates.</summary>
    private X509ChainPolicy? CreateChainPolicy()
    {
        if (TrustedRootCertificates.Count == 0 && IntermediateCertificates.Count == 0)
        {
            return null;
        }

        var policy = new X509ChainPolicy { RevocationMode = RevocationMode };
        if (TrustedRootCertificates.Count > 0)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(TrustedRootCertificates);
        }

        policy.ExtraStore.AddRange(IntermediateCertificates);
        return policy;
    }

    /// <summary>The local certificate with its intermediates, built once (building it walks the chain).</summary>
    private SslStreamCertificateContext? LocalContext()
    {
        var certificate = LocalCertificate;
        if (certificate is null)
        {
            return null;
        }

        lock (_contextLock)
        {
            if (!ReferenceEquals(_localContextCertificate, certificate))
            {
                _localContext = SslStreamCertificateContext.Create(certificate, IntermediateCertificates, offline: true);
                _localContextCertificate = certificate;
            }

            return _localContext;
        }
    }
}
