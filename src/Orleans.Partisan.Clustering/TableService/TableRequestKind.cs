namespace Orleans.Partisan.Clustering.TableService;

/// <summary>What a <see cref="TableRequest"/> asks of a seed.</summary>
[GenerateSerializer, Alias("partisan.clustering.TableRequestKind")]
internal enum TableRequestKind
{
    /// <summary>Replicate and apply <see cref="TableRequest.Command"/>.</summary>
    Command = 0,

    /// <summary>Linearizable read of the whole table of <see cref="TableRequest.ClusterId"/>.</summary>
    ReadAll = 1,

    /// <summary>Linearizable read of one row (<see cref="TableRequest.Silo"/>) of <see cref="TableRequest.ClusterId"/>.</summary>
    ReadRow = 2,
}
