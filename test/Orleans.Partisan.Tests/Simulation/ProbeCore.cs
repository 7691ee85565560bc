using Orleans.Partisan.Protocols;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>A numbered test message.</summary>
internal sealed record Probe(int Number);

/// <summary>
/// A core that does nothing by itself: it records what the simulator calls it with, and answers
/// with effects a test scripts. Used to pin down the simulator's network semantics.
/// </summary>
internal sealed class ProbeCore(NodeSpec self) : IPeerServiceCore
{
    /// <summary>The effects returned by <see cref="Start"/>.</summary>
    public List<PeerServiceEffect> StartEffects { get; } = [];

    /// <summary>Answers to <see cref="PeerUp"/>.</summary>
    public Func<NodeName, IReadOnlyList<PeerServiceEffect>>? OnPeerUp { get; set; }

    /// <summary>Answers to <see cref="Handle"/>.</summary>
    public Func<NodeName, object, IReadOnlyList<PeerServiceEffect>>? OnHandle { get; set; }

    /// <summary>Messages received, in order.</summary>
    public List<(NodeName From, object Message)> Received { get; } = [];

    /// <summary>Every call but <see cref="Handle"/>, in order: "up n1", "down n1", "timer t".</summary>
    public List<string> Calls { get; } = [];

    /// <summary>An active view a test sets by hand, for the checker's tests.</summary>
    public List<NodeName> ActiveView { get; } = [];

    /// <summary>A passive view a test sets by hand.</summary>
    public List<NodeName> PassiveView { get; } = [];

    /// <summary>The numbers of the <see cref="Probe"/>s received, in order.</summary>
    public List<int> Numbers => Received.Select(r => r.Message).OfType<Probe>().Select(p => p.Number).ToList();

    public NodeSpec Self { get; } = self;

    public IReadOnlyCollection<NodeSpec> Members => [Self];

    public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact) => [];

    public IReadOnlyList<PeerServiceEffect> Leave(NodeName node) => [];

    public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message)
    {
        Received.Add((from, message));
        return OnHandle?.Invoke(from, message) ?? [];
    }

    public IReadOnlyList<PeerServiceEffect> Start() => StartEffects;

    public IReadOnlyList<PeerServiceEffect> OnTimer(CoreTimer timer)
    {
        Calls.Add($"timer {timer}");
        return [];
    }

    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer)
    {
        Calls.Add($"up {peer}");
        return OnPeerUp?.Invoke(peer) ?? [];
    }

    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer)
    {
        Calls.Add($"down {peer}");
        return [];
    }

    public bool IsProtocolMessage(object message) => message is Probe;
}
