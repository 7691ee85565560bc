namespace Orleans.Partisan.Clustering.Table;

/// <summary>Deletes every row of <see cref="TableCommand.ClusterId"/>'s table; the table restarts at version 0 with a fresh ETag.</summary>
[GenerateSerializer, Alias("partisan.clustering.DeleteTableCommand")]
internal sealed class DeleteTableCommand : TableCommand
{
}
