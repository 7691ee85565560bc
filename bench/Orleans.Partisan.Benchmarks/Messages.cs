using Orleans.Concurrency;

namespace Orleans.Partisan.Benchmarks;

/// <summary>The benchmark's message: an opaque payload of a chosen size.</summary>
[GenerateSerializer, Alias("bench.Payload")]
public sealed record Payload([property: Id(0)] byte[] Data)
{
    public static Payload OfSize(int bytes)
    {
        var data = new byte[bytes];
        new Random(bytes).NextBytes(data);
        return new Payload(data);
    }
}

/// <summary>The Orleans baseline: a grain that counts one-way calls.</summary>
public interface ISinkGrain : IGrainWithStringKey
{
    [OneWay]
    Task Receive(Payload payload);

    Task<string> Where();
}

/// <summary>Pinned to the silo its key names (the second silo); counts into <see cref="Counter"/>.</summary>
[SiloPinnedPlacement]
public sealed class SinkGrain : Grain, ISinkGrain
{
    /// <summary>Where every activation counts (one process, so a static is shared by both silos).</summary>
    public static readonly ArrivalCounter Counter = new();

    private readonly ILocalSiloDetails _silo;

    public SinkGrain(ILocalSiloDetails silo) => _silo = silo;

    public Task Receive(Payload payload)
    {
        Counter.Increment();
        return Task.CompletedTask;
    }

    public Task<string> Where() => Task.FromResult(_silo.SiloAddress.ToParsableString());
}
