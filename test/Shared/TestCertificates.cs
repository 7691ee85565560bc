using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Partisan.Tests.Shared;

/// <summary>
/// Certificates made in the test with <see cref="CertificateRequest"/>: a root certificate authority, an intermediate
/// under it, and leaf certificates for nodes under the intermediate (Server and Client Authentication, so a node can
/// present one in both roles); a second, unrelated root (a wrong authority) and leaves under it; an expired leaf.
/// One source file, linked into each test project that needs it (<c>test/Shared/TestCertificates.cs</c>).
/// </summary>
internal sealed class TestCertificates
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        Root = CreateAuthority("CN=Partisan Test Root", null, now.AddDays(-30), now.AddYears(2));
        Intermediate = CreateAuthority("CN=Partisan Test Intermediate", Root, now.AddDays(-20), now.AddYears(1));
        WrongRoot = CreateAuthority("CN=Some Other Root", null, now.AddDays(-30), now.AddYears(2));
    }

    /// <summary>One set per test process: making keys costs milliseconds each.</summary>
    public static TestCertificates Instance { get; } = new();

    /// <summary>The root every node trusts.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The authority under <see cref="Root"/> that issues the nodes' certificates.</summary>
    public X509Certificate2 Intermediate { get; }

    /// <summary>An authority no node trusts.</summary>
    public X509Certificate2 WrongRoot { get; }

    /// <summary>A node certificate issued by <see cref="Intermediate"/>, valid from a day ago for a month.</summary>
    public X509Certificate2 Node(string name) => CreateLeaf(name, Intermediate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>A node certificate issued by <see cref="WrongRoot"/>.</summary>
    public X509Certificate2 WrongAuthorityNode(string name) => CreateLeaf(name, WrongRoot, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>A node certificate issued by <see cref="Intermediate"/> that expired yesterday.</summary>
    public X509Certificate2 ExpiredNode(string name) => CreateLeaf(name, Intermediate, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));

    /// <summary>Trusts <see cref="Root"/> only and knows <see cref="Intermediate"/>.</summary>
    public void Trust(PartisanTlsOptions options)
    {
        options.TrustedRootCertificates.Add(Root);
        options.IntermediateCertificates.Add(Intermediate);
    }

    private static X509Certificate2 CreateAuthority(string subject, X509Certificate2? issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return issuer is null ? request.CreateSelfSigned(notBefore, notAfter) : Issue(request, key, issuer, notBefore, notAfter);
    }

    private static X509Certificate2 CreateLeaf(string name, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return Issue(request, key, issuer, notBefore, notAfter);
    }

    private static X509Certificate2 Issue(CertificateRequest request, ECDsa key, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(issuer, notBefore, notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // Through PKCS#12 so the key is usable by SslStream on every platform (an ephemeral key is not on Windows).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
