using Microsoft.Extensions.Options;

namespace Orleans.Partisan.Hosting;

/// <summary>
/// Checks <see cref="PartisanTlsOptions"/> when the silo or client starts, if TLS is on: the options' own rules, and
/// on a silo a certificate to present (it accepts connections).
/// </summary>
internal sealed class PartisanTlsOptionsValidator(IOptions<PartisanTlsOptions> options, IServiceProvider services) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var errors = Validate(options.Value, isSilo: services.GetService(typeof(ILocalSiloDetails)) is not null);
        if (errors.Count > 0)
        {
            throw new OrleansConfigurationException("Invalid PartisanTlsOptions: " + string.Join(" ", errors));
        }
    }

    /// <summary>Every problem with <paramref name="o"/>, one sentence each; none when TLS is off.</summary>
    internal static List<string> Validate(PartisanTlsOptions o, bool isSilo)
    {
        if (!o.Enabled)
        {
            return [];
        }

        var errors = new List<string>(o.Validate());
        if (isSilo && o.LocalCertificate is null && o.LocalServerCertificateSelector is null)
        {
            errors.Add("A silo needs a certificate to present: set LocalCertificate (UsePartisanTls(certificate)) or LocalServerCertificateSelector.");
        }

        return errors;
    }
}
