using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;
using Orleans.Partisan.Simulation;
using static Orleans.Partisan.Tests.Simulation.HyParViewScenario;
namespace Orleans.Partisan.Tests.Protocols.HyParView;

internal sealed class Logging(HyParViewCore inner, Func<TimeSpan> now, List<string> log) : IPeerServiceCore
{
    public NodeSpec Self => inner.Self;
    public IReadOnlyCollection<NodeSpec> Members => inner.Members;
    private IReadOnlyList<PeerServiceEffect> L(string what, IReadOnlyList<PeerServiceEffect> e)
    {
        log.Add($"{now()} {Self.Name} {what} -> active [{string.Join(",", inner.ActiveView.Select(s => s.Name))}] passive [{string.Join(",", inner.PassiveView.Select(s => s.Name))}] pending [{string.Join(",", inner.PendingRequests)}]");
        foreach (var x in e) if (x is not ArmTimerEffect) log.Add("      " + (x is SendEffect s ? $"send {s.To} {s.Message.ToString()![..Math.Min(120, s.Message.ToString()!.Length)]}" : x.ToString()));
        return e;
    }
    public IReadOnlyList<PeerServiceEffect> Join(NodeSpec contact) => L($"Join({contact.Name})", inner.Join(contact));
    public IReadOnlyList<PeerServiceEffect> Leave(NodeName node) => L($"Leave({node})", inner.Leave(node));
    public IReadOnlyList<PeerServiceEffect> Handle(NodeName from, object message) => L($"<- {from} {message.ToString()![..Math.Min(120, message.ToString()!.Length)]}", inner.Handle(from, message));
    public IReadOnlyList<PeerServiceEffect> Start() => inner.Start();
    public IReadOnlyList<PeerServiceEffect> OnTimer(string timer) => timer == "shuffle" ? inner.OnTimer(timer) : L($"timer {timer}", inner.OnTimer(timer));
    public IReadOnlyList<PeerServiceEffect> PeerUp(NodeName peer) => L($"up {peer}", inner.PeerUp(peer));
    public IReadOnlyList<PeerServiceEffect> PeerDown(NodeName peer) => L($"down {peer}", inner.PeerDown(peer));
    public bool IsProtocolMessage(object message) => inner.IsProtocolMessage(message);
}

public sealed class DebugTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Debug()
    {
        var log = new List<string>();
        Simulator? simRef = null;
        var watch = new HashSet<string> { "n442", "n925" };
        var sim = new Simulator(
            new SimulationOptions { Seed = 301, MinLatency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(10), TimerJitter = TimeSpan.FromMilliseconds(500),  RecordObservations = false },
            (spec, random) => watch.Contains(spec.Name.Value) ? new Logging(new HyParViewCore(spec, Options, random), () => simRef!.Now, log) : new HyParViewCore(spec, Options, random));
        simRef = sim;
        sim.AddNodes(1000);
        JoinAll(sim, TimeSpan.FromMilliseconds(20));
        Settle(sim);
        foreach (var l in log) if (l.Contains("n925") && l.Contains("n442") || !l.StartsWith("  ")) output.WriteLine(l);
    }
}
