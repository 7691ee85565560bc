namespace Orleans.Partisan.ProcessHost;

/// <summary>The benchmark's Orleans request-reply baseline: a grain pinned to the silo its key names that returns what it is sent.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="data"/>.</summary>
    Task<byte[]> Echo(byte[] data);
}

/// <summary>Lives on the silo whose address is its key (<see cref="SiloPinnedPlacementAttribute"/>).</summary>
[SiloPinnedPlacement]
public sealed class EchoGrain : Grain, IEchoGrain
{
    /// <inheritdoc />
    public Task<byte[]> Echo(byte[] data) => Task.FromResult(data);
}
