using Orleans.Partisan.Protocols;
using Orleans.Partisan.Protocols.HyParView;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

/// <summary>A node of the network: its core and what the network keeps for it.</summary>
internal sealed partial class HyParViewNetwork
{
    internal sealed class Node(int index, HyParViewCore core)
    {
        public int Index { get; } = index;

        public HyParViewCore Core { get; } = core;

        public NodeName Name => Core.Self.Name;

        public bool Alive { get; set; } = true;

        public HashSet<NodeName> Connected { get; } = [];

        public Dictionary<NodeName, List<object>> Waiting { get; } = [];

        public Dictionary<CoreTimer, (TimeSpan Due, TimeSpan? Period)> Timers { get; } = [];

        public List<PeerServiceEffect> Effects { get; } = [];

        public List<(NodeName From, object Message)> Received { get; } = [];

        public HashSet<NodeName> Active => [.. Core.ActiveView.Select(s => s.Name)];

        public HashSet<NodeName> Passive => [.. Core.PassiveView.Select(s => s.Name)];

        public override string ToString() => $"{Name} active=[{string.Join(",", Active)}] passive={Passive.Count}";
    }
}
