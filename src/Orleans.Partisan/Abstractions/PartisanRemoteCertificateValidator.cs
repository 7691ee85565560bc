using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Partisan;

/// <summary>
/// Decides whether a remote certificate is accepted (<see cref="PartisanTlsOptions.RemoteCertificateValidation"/>),
/// shaped like Orleans' <c>RemoteCertificateValidator</c>. Called during the TLS handshake, on the handshake's thread,
/// possibly for several connections at once: it must be thread-safe and must not block.
/// </summary>
/// <param name="certificate">The certificate the peer sent.</param>
/// <param name="chain">The chain .NET built for it under the configured trust, if any.</param>
/// <param name="policyErrors">
/// What .NET's own check found (an untrusted or expired chain, a name that does not match): the callback's answer
/// replaces that check, so return <see langword="false"/> when this is not <see cref="SslPolicyErrors.None"/> unless
/// you mean to accept such a certificate.
/// </param>
/// <returns><see langword="true"/> to accept the certificate.</returns>
public delegate bool PartisanRemoteCertificateValidator(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors policyErrors);
