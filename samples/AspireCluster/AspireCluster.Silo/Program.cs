using Microsoft.Extensions.Hosting;

// Orleans:Clustering:ProviderType = Partisan, Orleans:Clustering:Seeds:0..n and (on a seed) Orleans:Clustering:ConsensusEndpoint
// come from the app host; the reference to Orleans.Partisan.Clustering registers the provider.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans();
await builder.Build().RunAsync();
