namespace AspireCluster.Grains;

/// <summary>Counts in memory; a new activation starts from zero.</summary>
public sealed class CounterGrain(ILocalSiloDetails silo) : Grain, ICounterGrain
{
    private int _count;

    /// <inheritdoc/>
    public Task<CounterValue> Increment() => Task.FromResult(new CounterValue(++_count, silo.SiloAddress.ToString()));
}
