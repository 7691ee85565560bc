using System.Collections.Concurrent;
using Orleans.Partisan.Protocols.Broadcast;

namespace Orleans.Partisan.ClusterTests;

/// <summary>An interposer that lets every message through and records the channel each broadcast message was sent on.</summary>
internal sealed class BroadcastChannelRecorder : IPartisanInterposer
{
    public ConcurrentQueue<(NodeName From, NodeName To, string Channel, string Kind, string? Handler)> Sent { get; } = new();

    public InterposerDecision OnSend(in InterposedMessage message)
    {
        if (message.Message is IBroadcastMessage broadcast)
        {
            Sent.Enqueue((message.From, message.To, message.Channel, broadcast.GetType().Name, broadcast.Handler));
        }

        return InterposerDecision.Deliver;
    }

    public InterposerDecision OnReceive(in InterposedMessage message) => InterposerDecision.Deliver;
}
