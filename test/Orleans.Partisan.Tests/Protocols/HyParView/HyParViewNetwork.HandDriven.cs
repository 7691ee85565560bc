using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>Hand-driving: messages and calls injected into the network, links made directly.</summary>
internal sealed partial class HyParViewNetwork
{
    private long _epochs = 1000;

    /// <summary>Delivers <paramref name="message"/> to node <paramref name="to"/> as if <paramref name="from"/> had sent it.</summary>
    public void Inject(int from, int to, object message)
    {
        var node = _nodes[to];
        node.Received.Add((_nodes[from].Name, message));
        Execute(node, node.Core.Handle(_nodes[from].Name, message));
    }

    /// <summary>Calls node <paramref name="i"/>'s core and carries out the effects it returns.</summary>
    public void Execute(int i, Func<HyParViewCore, IReadOnlyList<PeerServiceEffect>> call) => Execute(_nodes[i], call(_nodes[i].Core));

    /// <summary>Makes <paramref name="a"/> and <paramref name="b"/> neighbours (a NEIGHBOR request from b, the acceptance), then runs to quiescence.</summary>
    public void Link(int a, int b)
    {
        var epoch = ++_epochs;
        Inject(b, a, new HyParViewNeighbor(_nodes[b].Core.Self, epoch, NeighborPriority.High));
        Inject(a, b, new HyParViewForwardJoinAccept(_nodes[a].Core.Self, epoch));
        RunToQuiescence();
    }
}
