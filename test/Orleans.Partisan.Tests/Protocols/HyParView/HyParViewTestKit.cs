using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>Builds single cores in a known state through their own protocol, and reads their effects.</summary>
internal static class HyParViewTestKit
{
    public static NodeSpec Spec(int i) => HyParViewNetwork.SpecFor(i);

    public static NodeName Name(int i) => Spec(i).Name;

    public static HyParViewCore NewCore(int i = 0, int seed = 1, HyParViewOptions? options = null)
        => new(Spec(i), options ?? new HyParViewOptions(), new Random(seed));

    /// <summary>Makes node <paramref name="i"/> a neighbour of <paramref name="core"/> (its high NEIGHBOR request, accepted), its connection up.</summary>
    public static IReadOnlyList<PeerServiceEffect> Befriend(this HyParViewCore core, int i, long epoch = 1)
    {
        var effects = core.Handle(Name(i), new HyParViewNeighbor(Spec(i), epoch, NeighborPriority.High)).ToList();
        effects.AddRange(core.PeerUp(Name(i)));
        return effects;
    }

    /// <summary>Makes nodes <paramref name="nodes"/> neighbours of <paramref name="core"/>.</summary>
    public static HyParViewCore WithNeighbours(this HyParViewCore core, params int[] nodes)
    {
        foreach (var i in nodes)
        {
            core.Befriend(i);
        }

        return core;
    }

    /// <summary>Adds nodes <paramref name="nodes"/> to the passive view of <paramref name="core"/>, which has a neighbour (Join only learns then).</summary>
    public static HyParViewCore WithPassive(this HyParViewCore core, params int[] nodes)
    {
        Assert.NotEmpty(core.ActiveView);
        foreach (var i in nodes)
        {
            core.Join(Spec(i));
        }

        return core;
    }

    /// <summary>Puts nodes <paramref name="nodes"/> in the passive view of <paramref name="core"/> and leaves its active view empty (neighbours that disconnected).</summary>
    public static HyParViewCore WithOnlyPassive(this HyParViewCore core, params int[] nodes)
    {
        foreach (var i in nodes)
        {
            core.Befriend(i);
            core.Handle(Name(i), new HyParViewDisconnect(Spec(i), core.LinkEpoch(Name(i))!.Value, Leaving: false));
        }

        Assert.Empty(core.ActiveView);
        return core;
    }

    public static List<int> Indexes(this IEnumerable<NodeSpec> view) => [.. view.Select(s => int.Parse(s.Name.Value[1..])).Order()];

    public static List<(NodeName To, T Message)> Sent<T>(this IEnumerable<PeerServiceEffect> effects)
        => [.. effects.OfType<SendEffect>().Where(s => s.Message is T).Select(s => (s.To, (T)s.Message))];

    public static (NodeName To, T Message) SentOne<T>(this IEnumerable<PeerServiceEffect> effects)
        => Assert.Single(effects.Sent<T>());

    public static bool Connects(this IEnumerable<PeerServiceEffect> effects, int i) => effects.OfType<ConnectEffect>().Any(c => c.Peer.Name == Name(i));

    public static bool Disconnects(this IEnumerable<PeerServiceEffect> effects, int i) => effects.OfType<DisconnectEffect>().Any(c => c.Peer == Name(i));

    public static NodeName[] Neighbours(this HyParViewCore core) => [.. core.ActiveView.Select(s => s.Name)];
}
