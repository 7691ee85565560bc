using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Delivers messages that arrived for this node to their targets: named receivers, mailboxes and
/// grains. What cannot be delivered is logged and counted, never silently dropped.
/// </summary>
internal sealed class LocalDispatcher(NodeName self, IGrainMessageSink? grainSink, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Action<ReceivedMessage>> _receivers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Mailbox> _mailboxes = new();
    private long _nextMailboxId;

    /// <summary>Acknowledged and causal delivery, which unwraps <see cref="DeliveryEnvelope"/>s; set once by the node.</summary>
    public DeliveryLayer? Delivery { get; set; }

    public IDisposable Register(string name, Action<ReceivedMessage> receiver)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(receiver);
        if (!_receivers.TryAdd(name, receiver))
        {
            throw new InvalidOperationException($"A receiver named '{name}' is already registered on node {self}.");
        }

        return new Registration(this, name, receiver);
    }

    public Mailbox CreateMailbox()
    {
        var id = Interlocked.Increment(ref _nextMailboxId);
        var mailbox = new Mailbox(new ProcessRef(self, id), m => _mailboxes.TryRemove(m.Self.Id, out _));
        _mailboxes[id] = mailbox;
        return mailbox;
    }

    /// <summary>Puts <paramref name="message"/> into a local mailbox; false when it does not exist.</summary>
    public bool TryPost(ProcessRef mailbox, ReceivedMessage message)
        => mailbox.Node == self && _mailboxes.TryGetValue(mailbox.Id, out var box) && box.Post(message);

    /// <summary>Delivers one message (an acknowledged or causal one through <see cref="Delivery"/>). Never throws.</summary>
    public void Deliver(NodeName from, string channel, ForwardEnvelope envelope)
    {
        if (envelope.Message is DeliveryEnvelope tracked && Delivery is { } delivery)
        {
            delivery.OnArrival(from, channel, envelope, tracked);
            return;
        }

        _ = DeliverMessage(from, channel, envelope.Target, envelope.Message, envelope.IsCast);
    }

    /// <summary>
    /// Delivers <paramref name="message"/> to <paramref name="target"/>; returns the grain call when the target is
    /// a grain, or <see langword="null"/> when it is done (delivered, or logged and counted as undeliverable). Never throws.
    /// </summary>
    public Task? DeliverMessage(NodeName from, string channel, PartisanTarget target, object message, bool isCast)
    {
        var received = new ReceivedMessage(from, channel, message, isCast);
        switch (target)
        {
            case NamedTarget named:
                if (!_receivers.TryGetValue(named.Name, out var receiver))
                {
                    Undeliverable(target, "no receiver is registered under that name", "unknown-target");
                    return null;
                }

                try
                {
                    receiver(received);
                }
                catch (Exception exception)
                {
                    RuntimeLog.ReceiverFailed(logger, exception, target, from);
                    PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "receiver-failed" } });
                }

                return null;

            case ProcessRef process:
                if (process.Node != self)
                {
                    Undeliverable(target, $"the mailbox belongs to node {process.Node}", "wrong-node");
                }
                else if (!TryPost(process, received))
                {
                    Undeliverable(target, "the mailbox does not exist (disposed, or never created)", "unknown-target");
                }

                return null;

            case GrainTarget grain:
                if (grainSink is null)
                {
                    Undeliverable(target, "this node is not an Orleans silo, so it cannot call grains", "no-grain-runtime");
                    return null;
                }

                return DeliverToGrainAsync(grainSink, grain, received);

            default:
                Undeliverable(target, "unknown kind of target", "unknown-target");
                return null;
        }
    }

    private async Task DeliverToGrainAsync(IGrainMessageSink sink, GrainTarget target, ReceivedMessage message)
    {
        try
        {
            await sink.DeliverAsync(target.GrainId, message);
        }
        catch (Exception exception)
        {
            RuntimeLog.ReceiverFailed(logger, exception, target, message.From);
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "receiver-failed" } });
        }
    }

    private void Undeliverable(PartisanTarget target, string reason, string tag)
    {
        RuntimeLog.Undeliverable(logger, target, self, reason);
        PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", tag } });
    }

    private sealed class Registration(LocalDispatcher owner, string name, Action<ReceivedMessage> receiver) : IDisposable
    {
        public void Dispose() => owner._receivers.TryRemove(new KeyValuePair<string, Action<ReceivedMessage>>(name, receiver));
    }
}
