using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Partisan;

/// <summary>
/// The check of a peer's certificate under <see cref="PartisanTlsOptions"/>, and the reason for a refusal in words
/// (an operator reads it in the log of the node that refused).
/// </summary>
internal static class RemoteCertificateCheck
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>Whether to accept <paramref name="certificate"/>; on a refusal, <paramref name="onRefused"/> is told why.</summary>
    /// <param name="options">The TLS options.</param>
    /// <param name="mode">What is required of the peer (a dialler always requires a certificate).</param>
    /// <param name="certificate">What the peer sent, or <see langword="null"/>.</param>
    /// <param name="chain">The chain .NET built.</param>
    /// <param name="errors">What .NET's check found.</param>
    /// <param name="checkName">Whether a host name was asked for; otherwise a name mismatch is not an error.</param>
    /// <param name="onRefused">Told the reason of a refusal.</param>
    public static bool Accept(PartisanTlsOptions options, PartisanRemoteCertificateMode mode, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, bool checkName, Action<string>? onRefused)
    {
        if (mode == PartisanRemoteCertificateMode.NoCertificate)
        {
            return true;
        }

        if (certificate is null)
        {
            if (mode == PartisanRemoteCertificateMode.AllowCertificate)
            {
                return true;
            }

            onRefused?.Invoke("it presented no certificate");
            return false;
        }

        if (!checkName)
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }

        var certificate2 = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (options.RemoteCertificateValidation is { } validation)
        {
            bool accepted;
            try
            {
                accepted = validation(certificate2, chain, errors);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                onRefused?.Invoke($"its certificate {certificate2.Subject} was refused: RemoteCertificateValidation threw {exception.GetType().Name}: {exception.Message}");
                return false;
            }

            if (!accepted)
            {
                onRefused?.Invoke($"its certificate {certificate2.Subject} was refused by RemoteCertificateValidation" + (errors == SslPolicyErrors.None ? "" : $" ({Describe(certificate2, chain, errors)})"));
            }

            return accepted;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        onRefused?.Invoke($"its certificate {certificate2.Subject} was refused: {Describe(certificate2, chain, errors)}");
        return false;
    }

    /// <summary>The required extended key usages <paramref name="certificate"/> lacks, or <see langword="null"/> (it has them, or no such extension).</summary>
    public static string? MissingUsages(X509Certificate2 certificate)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (usages is null)
        {
            return null;
        }

        var oids = usages.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        if (!oids.Contains(ServerAuthentication))
        {
            missing.Add($"Server Authentication ({ServerAuthentication})");
        }

        if (!oids.Contains(ClientAuthentication))
        {
            missing.Add($"Client Authentication ({ClientAuthentication})");
        }

        return missing.Count == 0 ? null : string.Join(" and ", missing);
    }

    /// <summary>What is wrong with a certificate, from .NET's policy errors and the chain's status.</summary>
    private static string Describe(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var problems = new List<string>();
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                foreach (var status in element.ChainElementStatus)
                {
                    problems.Add(DescribeStatus(element.Certificate, status));
                }
            }

            if (chain.ChainElements.Count == 0)
            {
                problems.AddRange(chain.ChainStatus.Select(s => DescribeStatus(certificate, s)));
            }
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problems.Add("its name does not match the host name asked for");
        }

        if (problems.Count == 0)
        {
            problems.Add(errors.ToString());
        }

        return string.Join("; ", problems.Distinct(StringComparer.Ordinal));
    }

    private static string DescribeStatus(X509Certificate2 certificate, X509ChainStatus status) => status.Status switch
    {
        X509ChainStatusFlags.NotTimeValid when IsExpired(certificate) => $"{certificate.Subject} expired on {certificate.NotAfter.ToUniversalTime():u}",
        X509ChainStatusFlags.NotTimeValid => $"{certificate.Subject} is not valid until {certificate.NotBefore.ToUniversalTime():u}",
        X509ChainStatusFlags.UntrustedRoot => $"its chain ends at {certificate.Subject}, which is not a trusted root",
        X509ChainStatusFlags.PartialChain => $"no chain to a trusted root could be built from {certificate.Subject} (issuer {certificate.Issuer}): a wrong certificate authority, or a missing intermediate",
        X509ChainStatusFlags.Revoked => $"{certificate.Subject} is revoked",
        X509ChainStatusFlags.NotValidForUsage => $"{certificate.Subject} is not valid for this use (its extended key usages)",
        _ => $"{certificate.Subject}: {status.Status} ({status.StatusInformation.Trim()})",
    };

    private static bool IsExpired(X509Certificate2 certificate) => certificate.NotAfter.ToUniversalTime() < TimeProvider.System.GetUtcNow().UtcDateTime;
}
