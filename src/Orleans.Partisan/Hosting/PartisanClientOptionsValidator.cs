using Microsoft.Extensions.Options;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Hosting;

/// <summary>Checks <see cref="PartisanOptions"/> when an Orleans client starts: the rules of a silo's options that apply to a client, and the client's own.</summary>
internal sealed class PartisanClientOptionsValidator(IOptions<PartisanOptions> options, IEnumerable<BroadcastHandlerRegistration> handlers) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var errors = Validate(options.Value);
        errors.AddRange(PartisanOptionsValidator.ValidateHandlers(options.Value, handlers));
        if (errors.Count > 0)
        {
            throw new OrleansConfigurationException("Invalid PartisanOptions of the client: " + string.Join(" ", errors));
        }
    }

    /// <summary>Every problem with <paramref name="o"/> as a client's options, one sentence each.</summary>
    internal static List<string> Validate(PartisanOptions o)
    {
        var errors = PartisanOptionsValidator.Validate(o);
        errors.AddRange(o.Client.Validate().Select(e => "Client." + e));
        if (o.ListenAddress is null)
        {
            errors.Add("ListenAddress must be set on a client: the silos dial the client back on it, so it must be an address they can reach (a client has no silo address to default to).");
        }

        if (o.FailureDetection.Enabled)
        {
            errors.Add("FailureDetection.Enabled is true on a client: the overlay's failure detector evicts silos from Orleans' membership and runs on silos only; turn it off on the client.");
        }

        return errors;
    }
}
