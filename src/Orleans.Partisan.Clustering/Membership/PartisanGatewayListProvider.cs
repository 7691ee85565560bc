using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Orleans.Partisan.Clustering.Membership;

/// <summary>A client's gateway list: the Active silos with a gateway port, read from the seeds' membership table.</summary>
internal sealed class PartisanGatewayListProvider(PartisanMembershipTable table, IOptions<GatewayOptions> gatewayOptions) : IGatewayListProvider
{
    /// <inheritdoc/>
    public TimeSpan MaxStaleness => gatewayOptions.Value.GatewayListRefreshPeriod;

    /// <inheritdoc/>
    public bool IsUpdatable => true;

    /// <inheritdoc/>
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        var data = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        return data.Members
            .Select(m => m.Item1)
            .Where(e => e.Status == SiloStatus.Active && e.ProxyPort != 0)
            .Select(e => SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri())
            .ToList();
    }

    /// <inheritdoc/>
    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    /// <inheritdoc/>
    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);
}
