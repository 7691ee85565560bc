using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Protocols.FullMesh;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Protocols;

public sealed class FullMeshSerializationTests
{
    private static readonly Serializer Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly NodeSpec Wide = new(
        new NodeName("wide"),
        [new IPEndPoint(IPAddress.Parse("10.0.0.2"), 4000), new IPEndPoint(IPAddress.Loopback, 10001), new IPEndPoint(IPAddress.IPv6Loopback, 9)],
        [
            new KeyValuePair<string, ChannelOptions>("default", new ChannelOptions()),
            new KeyValuePair<string, ChannelOptions>("gossip", new ChannelOptions { Parallelism = 3, Monotonic = true }),
        ]);

    private static T RoundTrip<T>(T value)
        where T : class
    {
        var bytes = Serializer.SerializeToArray<object>(value);
        return Assert.IsType<T>(Serializer.Deserialize<object>(bytes));
    }

    private static OrSet<NodeSpec> SampleState()
    {
        var n0 = FullMeshNetwork.SpecFor(0, "n0");
        var n1 = FullMeshNetwork.SpecFor(1, "n1");
        return OrSet<NodeSpec>.Empty
            .Add(n0, new Dot(n0.Name, 1))
            .Add(n1, new Dot(n1.Name, 1))
            .Add(n0, new Dot(n1.Name, 2))
            .Add(Wide, new Dot(Wide.Name, 7))
            .Remove(s => s.Name == n1.Name);
    }

    [Fact]
    public void NodeSpec_round_trips()
    {
        var copy = RoundTrip(Wide);
        Assert.NotSame(Wide, copy);
        Assert.Equal(Wide, copy);
        Assert.True(Wide.ListenAddresses.SequenceEqual(copy.ListenAddresses), string.Join(",", copy.ListenAddresses));
        Assert.Equal(["10.0.0.2:4000", "127.0.0.1:10001", "[::1]:9"], copy.ListenAddresses.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(new ChannelOptions { Parallelism = 3, Monotonic = true }, copy.Channels["gossip"]);
    }

    [Fact]
    public void OrSet_round_trips()
    {
        var state = SampleState();
        var copy = RoundTrip(state);
        Assert.Equal(state, copy);
        Assert.Equal(state.Adds, copy.Adds);
        Assert.Equal(state.Removed, copy.Removed);
        Assert.Equal(state.Elements, copy.Elements);
        Assert.Single(copy.Removed);
    }

    [Fact]
    public void FullMeshGossip_round_trips_and_merges_like_the_original()
    {
        var gossip = new FullMeshGossip(SampleState());
        var copy = RoundTrip(gossip);
        Assert.Equal(gossip.State, copy.State);
        Assert.Equal(gossip.State.Adds, copy.State.Adds);
        Assert.Equal(gossip.State.Elements, copy.State.Elements);

        var core = new FullMeshCore(FullMeshNetwork.SpecFor(0, "n0"), TimeSpan.FromSeconds(10));
        core.Handle(new NodeName("wide"), copy);
        Assert.Equal(["n0", "wide"], core.Members.Select(m => m.Name.Value).Order());
    }
}
