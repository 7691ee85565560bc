using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>Sends one message as <c>ForwardMessageAsync</c> does (channel checks, local delivery, relay).</summary>
internal delegate ValueTask CallSender(NodeName node, PartisanTarget target, object message, ForwardOptions options, CancellationToken cancellationToken);

/// <summary>
/// Request-reply over the overlay (<see cref="IPartisan.CallAsync{TResponse}"/>, Partisan's
/// <c>partisan_rpc:call</c> and the <c>gen_server:call</c> analogue). On the caller: each call waits under
/// its <see cref="PartisanRef"/> until its reply, a failure answer, its callee's <c>nodedown</c>, its
/// timeout or its cancellation, whichever comes first; a reply for a call no longer waiting is dropped and
/// counted. On the callee: unwraps requests for the dispatcher and sends answers back.
/// </summary>
internal sealed class CallTracker(CallSender send, TimeProvider time, TimeSpan defaultTimeout, ILogger logger)
{
    private readonly ConcurrentDictionary<PartisanRef, PendingCall> _pending = new();

    /// <summary>Sends <paramref name="request"/> under <paramref name="call"/> and waits for the reply.</summary>
    public async Task<TResponse> CallAsync<TResponse>(PartisanRef call, NodeName node, PartisanTarget target, object request, ForwardOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        var wait = timeout ?? defaultTimeout;
        if (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), wait, "A call's timeout must be more than zero, or Timeout.InfiniteTimeSpan to wait until the reply or nodedown.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingCall(node, target);
        _pending[call] = pending;
        PartisanMetrics.CallStarts.Add(1);
        try
        {
            await send(node, target, new CallRequest(call, request, options.Transitive), options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _pending.TryRemove(call, out _);
            Count(call, pending, exception is OperationCanceledException ? "cancelled" : "send-failed", exception.Message);
            throw;
        }

        object? response;
        try
        {
            response = await pending.Reply.WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            if (_pending.TryRemove(call, out _))
            {
                if (exception is TimeoutException)
                {
                    throw Failed(call, pending, new CallTimeoutException(node, target, call, wait), "timeout");
                }

                Count(call, pending, "cancelled", exception.Message);
                throw;
            }

            // A reply, a failure or a nodedown took the call first: that is its outcome.
            response = await pending.Reply.ConfigureAwait(false);
        }

        if (response is TResponse typed)
        {
            return typed;
        }

        if (response is null && default(TResponse) is null)
        {
            return default!;
        }

        throw Failed(call, pending, new CallResponseTypeException(node, target, call, typeof(TResponse), response), "wrong-response-type");
    }

    /// <summary>An answer addressed to <paramref name="call"/> arrived from <paramref name="from"/>.</summary>
    public void OnAnswer(NodeName from, PartisanRef call, object answer)
    {
        if (!_pending.TryGetValue(call, out var pending))
        {
            CallLog.LateReply(logger, call, from);
            PartisanMetrics.LateReplies.Add(1);
            return;
        }

        if (from != pending.Node)
        {
            CallLog.ReplyFromWrongNode(logger, call, from, pending.Node);
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "call-reply-wrong-node" } });
            return;
        }

        if (answer is not (CallReply or CallFailed))
        {
            CallLog.MalformedReply(logger, call, from, answer.GetType().FullName ?? "?");
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "call-reply-malformed" } });
            return;
        }

        if (!_pending.TryRemove(call, out _))
        {
            // It timed out, was cancelled or saw nodedown just now.
            CallLog.LateReply(logger, call, from);
            PartisanMetrics.LateReplies.Add(1);
            return;
        }

        switch (answer)
        {
            case CallReply reply:
                pending.Complete(reply.Response);
                break;
            case CallFailed { Reason: CallFailure.NoSuchTarget } failed:
                pending.Fail(Failed(call, pending, new CallTargetNotFoundException(pending.Node, pending.Target, call, failed.Message), "no-such-target"));
                break;
            case CallFailed failed:
                pending.Fail(Failed(call, pending, new CallHandlerException(pending.Node, pending.Target, call, failed.ErrorType, failed.Message), "handler-failed"));
                break;
        }
    }

    /// <summary>A node event from the node monitors: a <c>nodedown</c> fails every call waiting on that node at once.</summary>
    public void OnNodeEvent(NodeEvent nodeEvent)
    {
        if (nodeEvent.Kind != NodeEventKind.Down)
        {
            return;
        }

        foreach (var (call, pending) in _pending)
        {
            if (pending.Node == nodeEvent.Node && _pending.TryRemove(call, out _))
            {
                pending.Fail(Failed(call, pending, new CallNodeDownException(pending.Node, pending.Target, call, nodeEvent.Reason ?? NodeDownReason.ConnectionClosed), "node-down"));
            }
        }
    }

    /// <summary>This node stops: every waiting call fails.</summary>
    public void Stop()
    {
        foreach (var (call, pending) in _pending)
        {
            if (_pending.TryRemove(call, out _))
            {
                pending.Fail(Failed(call, pending, new ObjectDisposedException(nameof(IPartisan), "The overlay node stopped before the call was answered."), "disposed"));
            }
        }
    }

    /// <summary>
    /// What the dispatcher delivers for <paramref name="message"/>: the message as the target sees it and,
    /// for a call, the way to answer it (also attached to the message).
    /// </summary>
    public (ReceivedMessage Message, CallReplier? Replier) Open(NodeName from, string channel, object message, bool isCast)
    {
        if (message is not CallRequest request)
        {
            return (new ReceivedMessage(from, channel, message, isCast), null);
        }

        var replier = new CallReplier(this, request, channel);
        return (new ReceivedMessage(from, channel, request.Request, IsCast: false) { CallRef = request.Call, Replier = replier }, replier);
    }

    /// <summary>Sends an answer to <paramref name="request"/>'s caller, over <paramref name="channel"/>, relayed if the call was.</summary>
    public ValueTask SendAnswerAsync(CallRequest request, string channel, object answer, CancellationToken cancellationToken)
        => send(request.Call.Node, new CallReplyTarget(request.Call), answer, new ForwardOptions { Channel = channel, Transitive = request.Transitive }, cancellationToken);

    /// <summary>As <see cref="SendAnswerAsync"/>, logging instead of throwing: for answers the dispatcher sends on a target's behalf.</summary>
    public async ValueTask TrySendAnswerAsync(CallRequest request, string channel, object answer)
    {
        try
        {
            await SendAnswerAsync(request, channel, answer, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            CallLog.ReplyNotSent(logger, exception, request.Call, request.Call.Node);
        }
    }

    private Exception Failed(PartisanRef call, PendingCall pending, Exception exception, string reason)
    {
        Count(call, pending, reason, exception.Message);
        return exception;
    }

    private void Count(PartisanRef call, PendingCall pending, string reason, string detail)
    {
        CallLog.CallFailed(logger, call, pending.Target, pending.Node, reason, detail);
        PartisanMetrics.CallFailures.Add(1, new TagList { { "reason", reason } });
    }
}
