using Orleans.Concurrency;

namespace Orleans.Partisan.ProcessHost;

/// <summary>The head-of-line benchmark's Orleans bulk stream: a grain pinned to the silo its key names that takes large messages and drops them.</summary>
public interface IBulkSinkGrain : IGrainWithStringKey
{
    /// <summary>Takes <paramref name="data"/> and does nothing with it.</summary>
    Task Receive(byte[] data);
}

/// <summary>Lives on the silo whose address is its key (<see cref="SiloPinnedPlacementAttribute"/>); reentrant, so calls are not queued behind each other.</summary>
[SiloPinnedPlacement]
[Reentrant]
public sealed class BulkSinkGrain : Grain, IBulkSinkGrain
{
    /// <inheritdoc />
    public Task Receive(byte[] data) => Task.CompletedTask;
}
