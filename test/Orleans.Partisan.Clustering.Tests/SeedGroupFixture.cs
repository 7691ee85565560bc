namespace Orleans.Partisan.Clustering.Tests;

/// <summary>One 3-seed group shared by the conformance tests; each test isolates itself with its own cluster id.</summary>
public sealed class SeedGroupFixture : IAsyncLifetime
{
    private SeedGroup? group;

    internal SeedGroup Group => group ?? throw new InvalidOperationException("The seed group is not started.");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        group = await SeedGroup.StartAsync();
        await group.LeaderAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (group is not null)
        {
            await group.DisposeAsync();
        }
    }
}
