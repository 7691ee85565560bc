namespace Orleans.Partisan.Clustering.Tests;

/// <summary>One 3-seed group shared by the conformance tests; each test isolates itself with its own cluster id.</summary>
public sealed class SeedGroupFixture : IAsyncLifetime
{
    private SeedGroup? _group;

    internal SeedGroup Group => _group ?? throw new InvalidOperationException("The seed group is not started.");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _group = await SeedGroup.StartAsync();
        await _group.LeaderAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_group is not null)
        {
            await _group.DisposeAsync();
        }
    }
}
