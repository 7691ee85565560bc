namespace Orleans.Partisan.Grains;

/// <summary>Serves <see cref="IPartisanBroadcaster"/> from the silo's overlay node.</summary>
[SiloPinnedPlacement]
internal sealed class PartisanBroadcasterGrain(IPartisan partisan) : Grain, IPartisanBroadcaster
{
    public Task<bool> Broadcast(string handler, object message) => partisan.BroadcastAsync(handler, message);

    public Task<IReadOnlyList<string>> GetHandlers() => Task.FromResult(partisan.BroadcastHandlers);

    public Task<IReadOnlyList<BroadcastTree>> GetTrees() => partisan.GetBroadcastTreesAsync();

    public Task<BroadcastStatistics> GetStatistics() => Task.FromResult(partisan.GetBroadcastStatistics());
}
