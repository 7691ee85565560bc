using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Partisan.Hosting;

namespace Orleans.Partisan;

/// <summary>
/// Turns on TLS (<see cref="PartisanTlsOptions"/>) for the links Orleans.Partisan opens: on a silo, the overlay
/// (<c>AddPartisan</c>) and storage-free clustering (<c>UsePartisanClustering</c>: the seeds' Raft traffic and table
/// service); on a client, its connections to the seeds' table service.
/// </summary>
public static class PartisanTlsBuilderExtensions
{
    /// <summary>
    /// Secures this silo's Partisan links with mutual TLS, presenting <paramref name="certificate"/> (with its private
    /// key; it may be the one given to Orleans' <c>UseTls</c>) and requiring a valid certificate of every peer.
    /// </summary>
    public static ISiloBuilder UsePartisanTls(this ISiloBuilder builder, X509Certificate2 certificate)
        => builder.UsePartisanTls(certificate, _ => { });

    /// <summary>As <see cref="UsePartisanTls(ISiloBuilder, X509Certificate2)"/>, then <paramref name="configure"/> adjusts the options (trusted roots, intermediates, validation, policies).</summary>
    public static ISiloBuilder UsePartisanTls(this ISiloBuilder builder, X509Certificate2 certificate, Action<PartisanTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UsePartisanTls(o =>
        {
            o.LocalCertificate = certificate;
            configure(o);
        });
    }

    /// <summary>Secures this silo's Partisan links with TLS as <paramref name="configure"/> sets it up (a certificate, or a certificate selector, is required).</summary>
    public static ISiloBuilder UsePartisanTls(this ISiloBuilder builder, Action<PartisanTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder.Services, configure);
        return builder;
    }

    /// <summary>
    /// Secures this client's connections to the seeds of storage-free clustering with TLS, presenting
    /// <paramref name="certificate"/>: the seeds require a client certificate unless their
    /// <see cref="PartisanTlsOptions.RemoteCertificateMode"/> says otherwise.
    /// </summary>
    public static IClientBuilder UsePartisanTls(this IClientBuilder builder, X509Certificate2 certificate)
        => builder.UsePartisanTls(certificate, _ => { });

    /// <summary>As <see cref="UsePartisanTls(IClientBuilder, X509Certificate2)"/>, then <paramref name="configure"/> adjusts the options.</summary>
    public static IClientBuilder UsePartisanTls(this IClientBuilder builder, X509Certificate2 certificate, Action<PartisanTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UsePartisanTls(o =>
        {
            o.LocalCertificate = certificate;
            configure(o);
        });
    }

    /// <summary>Secures this client's connections to the seeds with TLS as <paramref name="configure"/> sets it up (a certificate is optional on a client).</summary>
    public static IClientBuilder UsePartisanTls(this IClientBuilder builder, Action<PartisanTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder.Services, configure);
        return builder;
    }

    private static void Register(IServiceCollection services, Action<PartisanTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PartisanTlsOptions>().Configure(o =>
        {
            o.Enabled = true;
            configure(o);
        });
        services.TryAddEnumerable(ServiceDescriptor.Transient<IConfigurationValidator, PartisanTlsOptionsValidator>());
    }
}
