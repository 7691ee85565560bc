using Microsoft.Extensions.Options;

namespace Orleans.Partisan.Clustering.Hosting;

/// <summary>Checks <see cref="PartisanClusteringOptions"/> when the silo or client starts, naming the option that is wrong.</summary>
internal sealed class PartisanClusteringOptionsValidator(IOptions<PartisanClusteringOptions> options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var errors = Validate(options.Value);
        if (errors.Count > 0)
        {
            throw new OrleansConfigurationException("Invalid PartisanClusteringOptions: " + string.Join(" ", errors));
        }
    }

    /// <summary>Every problem with <paramref name="o"/>, one sentence each.</summary>
    internal static List<string> Validate(PartisanClusteringOptions o)
    {
        var errors = new List<string>();
        if (o.Seeds is null || o.Seeds.Count == 0)
        {
            errors.Add("Seeds must list at least one seed consensus endpoint (host:port).");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < o.Seeds.Count; i++)
            {
                if (!SeedEndPoints.TryParse(o.Seeds[i], out var host, out var port, out var error))
                {
                    errors.Add($"Seeds[{i}] {error}.");
                }
                else if (!seen.Add($"{host}:{port}"))
                {
                    errors.Add($"Seeds[{i}] '{o.Seeds[i]}' is listed twice.");
                }
                else if (port + o.ServicePortOffset > 65535)
                {
                    errors.Add($"Seeds[{i}] '{o.Seeds[i]}': its port plus ServicePortOffset ({o.ServicePortOffset}) exceeds 65535.");
                }
            }
        }

        if (o.ConsensusEndpoint is not null && !SeedEndPoints.TryParse(o.ConsensusEndpoint, out _, out _, out var own))
        {
            errors.Add($"ConsensusEndpoint {own}; leave it null on a silo that is not a seed.");
        }

        if (o.ServicePortOffset is < 1 or > 1000)
        {
            errors.Add($"ServicePortOffset must be between 1 and 1000; it is {o.ServicePortOffset}.");
        }

        if (o.LowerElectionTimeout < TimeSpan.FromMilliseconds(50))
        {
            errors.Add($"LowerElectionTimeout must be at least 50 ms; it is {o.LowerElectionTimeout}.");
        }

        if (o.UpperElectionTimeout <= o.LowerElectionTimeout)
        {
            errors.Add($"UpperElectionTimeout ({o.UpperElectionTimeout}) must be greater than LowerElectionTimeout ({o.LowerElectionTimeout}).");
        }

        if (o.RequestTimeout <= o.UpperElectionTimeout)
        {
            errors.Add($"RequestTimeout ({o.RequestTimeout}) must be greater than UpperElectionTimeout ({o.UpperElectionTimeout}), or no operation could outlast an election.");
        }

        if (o.ShutdownRequestTimeout <= o.UpperElectionTimeout || o.ShutdownRequestTimeout > o.RequestTimeout)
        {
            errors.Add($"ShutdownRequestTimeout ({o.ShutdownRequestTimeout}) must be greater than UpperElectionTimeout ({o.UpperElectionTimeout}), so that an election is not taken for an unreachable table, and at most RequestTimeout ({o.RequestTimeout}).");
        }

        if (o.StartupTimeout < o.RequestTimeout)
        {
            errors.Add($"StartupTimeout ({o.StartupTimeout}) must be at least RequestTimeout ({o.RequestTimeout}).");
        }

        if (o.SnapshotInterval is < 10 or > 1_000_000)
        {
            errors.Add($"SnapshotInterval must be between 10 and 1,000,000; it is {o.SnapshotInterval}.");
        }

        if (o.DataDirectory is not null && string.IsNullOrWhiteSpace(o.DataDirectory))
        {
            errors.Add("DataDirectory must not be blank; leave it null for the default.");
        }

        return errors;
    }
}
