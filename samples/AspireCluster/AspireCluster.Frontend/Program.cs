using AspireCluster.Grains;

// The client finds the cluster through the seeds the app host lists (Orleans:Clustering:Seeds:0..n). It starts with the
// silos, so it keeps retrying until the cluster has a gateway in its table.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleansClient(client => client.UseConnectionRetryFilter(async (_, cancellationToken) =>
{
    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
    return true;
}));
var app = builder.Build();
app.MapGet("/counter/{key}", (string key, IClusterClient client) => client.GetGrain<ICounterGrain>(key).Increment());
app.Run();
