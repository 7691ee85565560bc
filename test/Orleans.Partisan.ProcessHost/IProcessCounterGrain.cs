namespace Orleans.Partisan.ProcessHost;

/// <summary>The grain traffic of the process tests: a counter that says which silo it lives on.</summary>
public interface IProcessCounterGrain : IGrainWithIntegerKey
{
    /// <summary>Adds one; returns the count and the silo of this activation.</summary>
    Task<(int Count, string Silo)> Increment();
}

/// <summary>A counter in memory: it restarts from zero when it re-activates elsewhere.</summary>
public sealed class ProcessCounterGrain(ILocalSiloDetails silo) : Grain, IProcessCounterGrain
{
    private int _count;

    /// <inheritdoc />
    public Task<(int Count, string Silo)> Increment() => Task.FromResult((++_count, silo.SiloAddress.ToParsableString()));
}
