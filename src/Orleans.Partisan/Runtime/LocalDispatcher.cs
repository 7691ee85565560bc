using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Protocols.Delivery;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Delivers messages that arrived for this node to their targets: named receivers, mailboxes and
/// grains. What cannot be delivered is logged and counted, never silently dropped; the request of a
/// call that cannot be delivered, or whose target throws, is answered so (see <see cref="CallTracker"/>).
/// </summary>
internal sealed class LocalDispatcher(NodeName self, IGrainMessageSink? grainSink, CallTracker calls, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Action<ReceivedMessage>> _receivers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Mailbox> _mailboxes = new();
    private long _nextMailboxId;

    /// <summary>Acknowledged and causal delivery, which takes messages with a <see cref="DeliveryHeader"/> and unwraps <see cref="DeliveryEnvelope"/>s; set once by the node.</summary>
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
        var mailbox = new Mailbox(new ProcessRef(self, id), m =>
        {
            if (_mailboxes.TryRemove(m.Self.Id, out _))
            {
                TargetExited?.Invoke(m.Self);
            }
        });
        _mailboxes[id] = mailbox;
        return mailbox;
    }

    /// <summary>Told when a mailbox is disposed or a named receiver unregistered, after it is gone (process monitors use it; it must not block).</summary>
    public Action<PartisanTarget>? TargetExited { get; set; }

    /// <summary>Whether <paramref name="target"/> is here now: a live mailbox of this node, a registered name, or a grain that receives overlay messages.</summary>
    public bool Exists(PartisanTarget target) => target switch
    {
        ProcessRef process => process.Node == self && _mailboxes.ContainsKey(process.Id),
        NamedTarget named => _receivers.ContainsKey(named.Name),
        GrainTarget grain => grainSink?.Accepts(grain.GrainId) ?? false,
        _ => false,
    };

    /// <summary>The live mailbox <paramref name="mailbox"/> of this node.</summary>
    public bool TryGetMailbox(ProcessRef mailbox, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Mailbox? box)
    {
        box = null;
        return mailbox.Node == self && _mailboxes.TryGetValue(mailbox.Id, out box);
    }

    /// <summary>Puts <paramref name="message"/> into a local mailbox; false when it does not exist.</summary>
    public bool TryPost(ProcessRef mailbox, ReceivedMessage message)
        => mailbox.Node == self && _mailboxes.TryGetValue(mailbox.Id, out var box) && box.Post(message);

    /// <summary>
    /// Delivers one message: the answer of a call to the call waiting for it, an acknowledged or causal message
    /// through <see cref="Delivery"/>, any other to its target. Never throws.
    /// </summary>
    public void Deliver(NodeName from, string channel, ForwardEnvelope envelope)
    {
        if (envelope.Target is CallAnswerTarget answer)
        {
            calls.OnAnswer(from, answer, envelope.Message);
            return;
        }

        if (envelope.Delivery is { IsTracked: true } header && Delivery is { } acked)
        {
            acked.OnArrival(from, channel, envelope.Target, envelope.IsCast, envelope.Call, new AckStamp(header.Session, header.Sequence, header.Predecessor, header.Base), label: null, causal: null, envelope.Message);
            return;
        }

        if (envelope.Message is DeliveryEnvelope tracked && Delivery is { } delivery)
        {
            delivery.OnArrival(from, channel, envelope.Target, envelope.IsCast, envelope.Call, tracked.Ack, tracked.Label, tracked.Causal, tracked.Payload);
            return;
        }

        if (envelope.Message is not { } message)
        {
            // The decoder lets only answers be null.
            Undeliverable(envelope.Target, "the message is null", "invalid-message", replier: null);
            return;
        }

        _ = DeliverMessage(from, channel, envelope.Target, message, envelope.IsCast, envelope.Call);
    }

    /// <summary>
    /// Delivers a plain forward as an inbound connection decoded it (<see cref="WireCodec.Receive"/>): a causal message
    /// through <see cref="Delivery"/>, any other as it is to its <see cref="ReceivedMessage.Target"/>, so that the
    /// receiver gets the object the connection decoded. Never throws.
    /// </summary>
    public void Deliver(ReceivedMessage received)
    {
        var target = received.Target!;
        if (received.Message is DeliveryEnvelope tracked && Delivery is { } delivery)
        {
            delivery.OnArrival(received.From, received.Channel, target, received.IsCast, call: default, tracked.Ack, tracked.Label, tracked.Causal, tracked.Payload);
            return;
        }

        _ = Dispatch(target, received, replier: null);
    }

    /// <summary>
    /// Delivers an acknowledged forward as an inbound connection decoded it (<see cref="WireCodec.Receive"/>), with its
    /// numbers: through <see cref="Delivery"/>, which de-duplicates and orders it, then hands the same
    /// <see cref="ReceivedMessage"/> to its target (<see cref="DeliverReceived"/>). Never throws.
    /// </summary>
    public void Deliver(ReceivedMessage received, DeliveryHeader tracked)
    {
        if (Delivery is { } acked)
        {
            acked.OnArrival(received, new AckStamp(tracked.Session, tracked.Sequence, tracked.Predecessor, tracked.Base));
            return;
        }

        _ = DeliverReceived(received);
    }

    /// <summary>
    /// Hands <paramref name="received"/>, decoded straight off a connection with its <see cref="ReceivedMessage.Target"/>
    /// (no call's request), to that target: see <see cref="DeliverMessage"/>. Never throws.
    /// </summary>
    public Task? DeliverReceived(ReceivedMessage received) => Dispatch(received.Target!, received, replier: null);

    /// <summary>
    /// Delivers <paramref name="message"/> (with the way to answer it if it is the request of <paramref name="call"/>) to
    /// <paramref name="target"/>; returns the grain call when the target is a grain, or <see langword="null"/> when
    /// it is done (delivered, or logged and counted as undeliverable). Never throws.
    /// </summary>
    public Task? DeliverMessage(NodeName from, string channel, PartisanTarget target, object message, bool isCast, CallHeader call)
    {
        if (!call.IsCall || !PartisanTelemetry.Source.HasListeners())
        {
            return Dispatch(from, channel, target, message, isCast, call);
        }

        // The callee's span: while a named receiver runs or a mailbox is posted to, until a grain's answer is sent.
        var previous = Activity.Current;
        var activity = PartisanTelemetry.Source.StartActivity(PartisanTelemetry.CallHandleSpan, ActivityKind.Server, call.Trace?.ToParent() ?? default);
        if (activity is null)
        {
            return Dispatch(from, channel, target, message, isCast, call);
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("partisan.node", from.Value);
            activity.SetTag("partisan.target", target.ToString());
            activity.SetTag("partisan.channel", channel);
            activity.SetTag("partisan.call", new PartisanRef(from, call.Id).ToString());
        }

        Task? grainCall = null;
        try
        {
            grainCall = Dispatch(from, channel, target, message, isCast, call);
        }
        finally
        {
            Activity.Current = previous;
            if (grainCall is null)
            {
                activity.Dispose();
            }
        }

        return grainCall is null ? null : EndWhenDoneAsync(grainCall, activity);
    }

    private static async Task EndWhenDoneAsync(Task grainCall, Activity activity)
    {
        try
        {
            await grainCall.ConfigureAwait(false);
        }
        finally
        {
            activity.Dispose();
        }
    }

    private Task? Dispatch(NodeName from, string channel, PartisanTarget target, object message, bool isCast, CallHeader call)
    {
        var (received, replier) = calls.Open(from, channel, message, isCast, call);
        return Dispatch(target, received, replier);
    }

    /// <summary>Hands <paramref name="received"/> to <paramref name="target"/>: see <see cref="DeliverMessage"/>.</summary>
    private Task? Dispatch(PartisanTarget target, ReceivedMessage received, CallReplier? replier)
    {
        switch (target)
        {
            case NamedTarget named:
                if (!_receivers.TryGetValue(named.Name, out var receiver))
                {
                    Undeliverable(target, "no receiver is registered under that name", "unknown-target", replier);
                    return null;
                }

                try
                {
                    receiver(received);
                }
                catch (Exception exception)
                {
                    ReceiverFailed(exception, target, received.From, replier);
                }

                return null;

            case ProcessRef process:
                if (process.Node != self)
                {
                    Undeliverable(target, $"the mailbox belongs to node {process.Node}", "wrong-node", replier);
                }
                else if (!TryPost(process, received))
                {
                    Undeliverable(target, "the mailbox does not exist (disposed, or never created)", "unknown-target", replier);
                }

                return null;

            case GrainTarget grain:
                if (grainSink is null)
                {
                    Undeliverable(target, "this node is not an Orleans silo, so it cannot call grains", "no-grain-runtime", replier);
                    return null;
                }

                if (replier is null)
                {
                    return DeliverToGrainAsync(grainSink, grain, received);
                }

                if (grainSink.CannotAnswer(grain.GrainId) is { } why)
                {
                    Undeliverable(target, why, "unknown-target", replier);
                    return null;
                }

                return CallGrainAsync(grainSink, grain, received with { Replier = null }, replier);

            default:
                Undeliverable(target, "unknown kind of target", "unknown-target", replier);
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
            ReceiverFailed(exception, target, message.From, replier: null);
        }
    }

    /// <summary>Calls a grain's <see cref="IPartisanRequestHandler.HandleCall"/> and answers with what it returns or throws.</summary>
    private async Task CallGrainAsync(IGrainMessageSink sink, GrainTarget target, ReceivedMessage request, CallReplier replier)
    {
        object? response;
        try
        {
            response = await sink.CallAsync(target.GrainId, request);
        }
        catch (Exception exception)
        {
            ReceiverFailed(exception, target, request.From, replier);
            return;
        }

        try
        {
            await replier.ReplyAsync(response, CancellationToken.None);
        }
        catch (Exception exception)
        {
            CallLog.ReplyNotSent(logger, exception, replier.Call, replier.Call.Node);
        }
    }

    private void ReceiverFailed(Exception exception, PartisanTarget target, NodeName from, CallReplier? replier)
    {
        MarkFailed(exception.Message);
        if (replier is null)
        {
            RuntimeLog.ReceiverFailed(logger, exception, target, from);
        }
        else
        {
            CallLog.HandlerFailed(logger, exception, target, replier.Call, from);
            replier.HandlerFailed(exception);
        }

        PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "receiver-failed" } });
    }

    private void Undeliverable(PartisanTarget target, string reason, string tag, CallReplier? replier)
    {
        MarkFailed(reason);
        RuntimeLog.Undeliverable(logger, target, self, reason);
        PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", tag } });
        replier?.NoSuchTarget($"{target} on node {self}: {reason}");
    }

    /// <summary>Marks the callee's span, if this runs in one, as failed.</summary>
    private static void MarkFailed(string reason)
    {
        if (Activity.Current is { } activity && activity.Source == PartisanTelemetry.Source && activity.OperationName == PartisanTelemetry.CallHandleSpan)
        {
            activity.SetStatus(ActivityStatusCode.Error, reason);
        }
    }

    private sealed class Registration(LocalDispatcher owner, string name, Action<ReceivedMessage> receiver) : IDisposable
    {
        public void Dispose()
        {
            if (owner._receivers.TryRemove(new KeyValuePair<string, Action<ReceivedMessage>>(name, receiver)))
            {
                owner.TargetExited?.Invoke(new NamedTarget(name));
            }
        }
    }
}
