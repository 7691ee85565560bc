using Aspire.Hosting.ApplicationModel;

namespace Orleans.Partisan.Aspire.Hosting;

/// <summary>One seed of a <see cref="PartisanSeedGroup"/>: the resource that runs it and its consensus port.</summary>
/// <param name="Resource">The project (or executable, or container) resource that runs the seed silo; it has one replica.</param>
/// <param name="Consensus">The resource's <see cref="PartisanSeedGroup.ConsensusEndpointName"/> endpoint.</param>
/// <param name="Port">The consensus port; the seed also listens on it plus <see cref="PartisanSeedGroup.ServicePortOffset"/>.</param>
internal sealed record PartisanSeed(IResourceWithEndpoints Resource, EndpointReference Consensus, int Port)
{
    /// <summary>The <c>host:port</c> the other silos and clients dial, resolved by Aspire when the app runs.</summary>
    public ReferenceExpression HostAndPort => ReferenceExpression.Create($"{Consensus.Property(EndpointProperty.HostAndPort)}");
}
