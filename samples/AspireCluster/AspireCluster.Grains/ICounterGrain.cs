namespace AspireCluster.Grains;

/// <summary>A counter per key, kept by whichever silo activates it.</summary>
[Alias("AspireCluster.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and returns the new count with the silo that counted.</summary>
    [Alias("Increment")]
    Task<CounterValue> Increment();
}
