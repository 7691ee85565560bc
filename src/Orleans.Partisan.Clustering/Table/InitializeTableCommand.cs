namespace Orleans.Partisan.Clustering.Table;

/// <summary>Creates the cluster's table (version 0, no rows) when it does not exist yet; otherwise changes nothing.</summary>
[GenerateSerializer, Alias("partisan.clustering.InitializeTableCommand")]
internal sealed class InitializeTableCommand : TableCommand
{
}
