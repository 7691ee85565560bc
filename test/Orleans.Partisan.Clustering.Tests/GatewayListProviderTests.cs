using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Partisan.Clustering.Membership;

namespace Orleans.Partisan.Clustering.Tests;

public sealed class GatewayListProviderTests(SeedGroupFixture fixture) : IClassFixture<SeedGroupFixture>
{
    [Fact]
    public async Task GetGateways_ListsActiveSilosWithAGatewayPort_Only()
    {
        var table = fixture.Group.Handle("gateways-" + Guid.NewGuid().ToString("N"));
        var active = Rows.With(Rows.Entry(), e => e.Status = SiloStatus.Active);
        var joining = Rows.Entry();
        var noGateway = Rows.With(Rows.Entry(), e => { e.Status = SiloStatus.Active; e.ProxyPort = 0; });
        var dead = Rows.With(Rows.Entry(), e => e.Status = SiloStatus.Dead);
        foreach (var entry in new[] { active, joining, noGateway, dead })
        {
            var data = await table.ReadAllAsync(CancellationToken.None);
            Assert.True(await table.InsertRowAsync(entry, data.Version.Next(), CancellationToken.None));
        }

        var gatewayOptions = new GatewayOptions { GatewayListRefreshPeriod = TimeSpan.FromSeconds(7) };
        var provider = new PartisanGatewayListProvider(table, Options.Create(gatewayOptions));
        await provider.InitializeGatewayListProviderAsync(CancellationToken.None);

        var gateways = await provider.GetGatewaysAsync(CancellationToken.None);
        var expected = SiloAddress.New(active.SiloAddress.Endpoint.Address, active.ProxyPort, active.SiloAddress.Generation).ToGatewayUri();
        Assert.Equal(expected, Assert.Single(gateways));
        Assert.True(provider.IsUpdatable);
        Assert.Equal(TimeSpan.FromSeconds(7), provider.MaxStaleness);
    }
}
