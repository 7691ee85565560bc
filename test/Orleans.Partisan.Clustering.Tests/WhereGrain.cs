namespace Orleans.Partisan.Clustering.Tests;

/// <summary>A grain that says which silo it is activated on.</summary>
[Alias("partisan.clustering.tests.IWhereGrain")]
public interface IWhereGrain : IGrainWithIntegerKey
{
    /// <summary>The silo address of the hosting silo, as a parsable string.</summary>
    [Alias("Where")]
    Task<string> Where();
}

/// <inheritdoc cref="IWhereGrain"/>
/// <remarks>Placed at random, so that activations spread over every silo (the default placement may favour one).</remarks>
[Orleans.Placement.RandomPlacement]
public sealed class WhereGrain(ILocalSiloDetails silo) : Grain, IWhereGrain
{
    /// <inheritdoc/>
    public Task<string> Where() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
