using Microsoft.Extensions.Configuration;
using Orleans.Partisan;

var builder = DistributedApplication.CreateBuilder(args);

// The seeds' Raft group holds the membership table: no database, no container.
// The seeds' consensus ports are 11200, 11202 and 11204 (each also uses the port above) unless Membership:BasePort moves them.
var membership = builder.AddPartisanClustering(builder.Configuration.GetValue("Membership:BasePort", 11200));
if (builder.Configuration["Membership:DataDirectory"] is { } dataDirectory)
{
    membership.WithDataDirectory(dataDirectory); // default: a folder per seed under the user's local application data
}

var orleans = builder.AddOrleans("cluster").WithClustering(membership);

// Three seeds, each a resource of its own, and two more silos.
for (var i = 0; i < 3; i++)
{
    builder.AddProject<Projects.AspireCluster_Silo>($"seed{i}").WithPartisanSeed(membership).WithReference(orleans);
}

builder.AddProject<Projects.AspireCluster_Silo>("silo").WithReplicas(2).WithReference(orleans);
builder.AddProject<Projects.AspireCluster_Frontend>("frontend").WithHttpEndpoint().WithReference(orleans.AsClient());

builder.Build().Run();
