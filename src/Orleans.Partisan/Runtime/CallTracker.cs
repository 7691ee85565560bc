using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Sends one message as <c>ForwardMessageAsync</c> does (channel checks, local delivery, relay), as the request of
/// <paramref name="call"/> if it is a call, or as an answer (to a <see cref="CallAnswerTarget"/>, which may be null).
/// </summary>
internal delegate ValueTask CallSender(NodeName node, PartisanTarget target, object? message, ForwardOptions options, CallHeader call, CancellationToken cancellationToken);

/// <summary>
/// Request-reply over the overlay (<see cref="IPartisan.CallAsync{TResponse}"/>, Partisan's
/// <c>partisan_rpc:call</c> and the <c>gen_server:call</c> analogue). On the caller: each call waits under
/// its <see cref="PartisanRef"/> until its reply, a failure answer, its callee's <c>nodedown</c>, its
/// timeout or its cancellation, whichever comes first; a reply for a call no longer waiting is dropped and
/// counted. On the callee: opens requests for the dispatcher and sends answers back.
/// </summary>
/// <remarks>
/// Waiting costs no timer and no task of its own per call: the deadlines of all pending calls share one timer
/// (<see cref="CallDeadlines"/>), and a <see cref="PendingCall"/> is reused once its caller has its outcome. The
/// request travels as the message itself with a <see cref="CallHeader"/> in its envelope, and the answer as the
/// reply itself addressed to a <see cref="CallAnswerTarget"/>: no wrapper is serialized, and the caller's node never
/// travels (it is the request's sender and the answer's receiver).
/// </remarks>
internal sealed class CallTracker
{
    /// <summary>How many finished <see cref="PendingCall"/>s are kept for reuse.</summary>
    private const int PooledCalls = 1024;

    private static readonly Action<object?, CancellationToken> CancelledCallback = static (state, token) => ((PendingCall)state!).Owner.Cancelled((PendingCall)state, token);

    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly ConcurrentQueue<PendingCall> _pool = new();
    private readonly NodeName _self;
    private readonly CallSender _send;
    private readonly TimeSpan _defaultTimeout;
    private readonly ILogger _logger;
    private readonly CallDeadlines _deadlines;
    private int _pooled;

    /// <summary>Creates the tracker of node <paramref name="self"/>, whose calls are made with references of that node.</summary>
    public CallTracker(NodeName self, CallSender send, TimeProvider time, TimeSpan defaultTimeout, ILogger logger)
    {
        _self = self;
        _send = send;
        _defaultTimeout = defaultTimeout;
        _logger = logger;
        _deadlines = new CallDeadlines(time, Sweep);
    }

    /// <summary>
    /// Sends <paramref name="request"/> under <paramref name="call"/> (a reference of this node) and waits for the reply,
    /// in a <see cref="PartisanTelemetry.CallSpan"/> when a listener of the overlay's activity source wants one.
    /// </summary>
    public Task<TResponse> CallAsync<TResponse>(PartisanRef call, NodeName node, PartisanTarget target, object request, ForwardOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
        => PartisanTelemetry.Source.HasListeners()
            ? TracedCallAsync<TResponse>(call, node, target, request, options, timeout, cancellationToken)
            : CallAsync<TResponse>(call, node, target, request, options, timeout, trace: null, cancellationToken);

    /// <summary>The call in its client span, whose context travels with the request when the span is recorded.</summary>
    private async Task<TResponse> TracedCallAsync<TResponse>(PartisanRef call, NodeName node, PartisanTarget target, object request, ForwardOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var activity = PartisanTelemetry.Source.StartActivity(PartisanTelemetry.CallSpan, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("partisan.node", node.Value);
            activity.SetTag("partisan.target", target.ToString());
            activity.SetTag("partisan.channel", options.Channel ?? PartisanChannels.Default);
            activity.SetTag("partisan.call", call.ToString());
        }

        try
        {
            return await CallAsync<TResponse>(call, node, target, request, options, timeout, TraceContext.Of(activity), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    private async Task<TResponse> CallAsync<TResponse>(PartisanRef call, NodeName node, PartisanTarget target, object request, ForwardOptions options, TimeSpan? timeout, TraceContext? trace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        var wait = timeout ?? _defaultTimeout;
        if (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), wait, "A call's timeout must be more than zero, or Timeout.InfiniteTimeSpan to wait until the reply or nodedown.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = Rent();
        var deadline = _deadlines.DeadlineAfter(wait);
        pending.Start(call.Id, node, target, wait, deadline);
        _pending[call.Id] = pending;
        if (deadline != long.MaxValue)
        {
            _deadlines.Add(deadline);
        }

        if (cancellationToken.CanBeCanceled)
        {
            pending.WatchCancellation(cancellationToken, CancelledCallback);
        }

        PartisanMetrics.CallStarts.Add(1);
        try
        {
            await _send(node, target, request, options, new CallHeader(call.Id, options.Transitive, trace), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            if (_pending.TryRemove(new KeyValuePair<long, PendingCall>(call.Id, pending)))
            {
                // Nothing else ended the call, and nothing else can now: it is ours to reuse.
                Count(call, pending, exception is OperationCanceledException ? "cancelled" : "send-failed", exception.Message);
                Return(pending);
            }

            throw;
        }

        object? response;
        try
        {
            response = await pending.Reply.ConfigureAwait(false);
        }
        finally
        {
            Return(pending);
        }

        if (response is TResponse typed)
        {
            return typed;
        }

        if (response is null && default(TResponse) is null)
        {
            return default!;
        }

        var wrongType = new CallResponseTypeException(node, target, call, typeof(TResponse), response);
        Count(call, node, target, "wrong-response-type", wrongType.Message);
        throw wrongType;
    }

    /// <summary>An answer to <paramref name="answer"/>'s call arrived from <paramref name="from"/>: the reply, or a <see cref="CallFailed"/>.</summary>
    public void OnAnswer(NodeName from, CallAnswerTarget answer, object? message)
    {
        var call = new PartisanRef(_self, answer.Call);
        if (!_pending.TryGetValue(call.Id, out var pending))
        {
            CallLog.LateReply(_logger, call, from);
            PartisanMetrics.LateReplies.Add(1);
            return;
        }

        if (from != pending.Node)
        {
            CallLog.ReplyFromWrongNode(_logger, call, from, pending.Node);
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "call-reply-wrong-node" } });
            return;
        }

        if (answer.IsFailure && message is not CallFailed)
        {
            CallLog.MalformedReply(_logger, call, from, message?.GetType().FullName ?? "null");
            PartisanMetrics.Undeliverable.Add(1, new TagList { { "reason", "call-reply-malformed" } });
            return;
        }

        if (!_pending.TryRemove(new KeyValuePair<long, PendingCall>(call.Id, pending)))
        {
            // It timed out, was cancelled or saw nodedown just now.
            CallLog.LateReply(_logger, call, from);
            PartisanMetrics.LateReplies.Add(1);
            return;
        }

        switch (message)
        {
            case not CallFailed when !answer.IsFailure:
                pending.Complete(message);
                break;
            case CallFailed { Reason: CallFailure.NoSuchTarget } failed:
                pending.Fail(Failed(call, pending, new CallTargetNotFoundException(pending.Node, pending.Target, call, failed.Message), "no-such-target"));
                break;
            case CallFailed failed:
                pending.Fail(Failed(call, pending, new CallHandlerException(pending.Node, pending.Target, call, failed.ErrorType, failed.Message), "handler-failed"));
                break;
        }
    }

    /// <summary>
    /// <paramref name="node"/> went down, told as it happens (<see cref="NodeMonitorHub.WentDown"/>): every call waiting on
    /// it fails at once; a call that starts afterwards is not touched by this <c>nodedown</c>.
    /// </summary>
    public void OnNodeDown(NodeName node, NodeDownReason reason)
    {
        foreach (var (id, pending) in _pending)
        {
            if (pending.Node == node && _pending.TryRemove(new KeyValuePair<long, PendingCall>(id, pending)))
            {
                pending.Fail(Failed(Ref(pending), pending, new CallNodeDownException(pending.Node, pending.Target, Ref(pending), reason), "node-down"));
            }
        }
    }

    /// <summary>This node stops: every waiting call fails.</summary>
    public void Stop()
    {
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(new KeyValuePair<long, PendingCall>(id, pending)))
            {
                pending.Fail(Failed(Ref(pending), pending, new ObjectDisposedException(nameof(IPartisan), "The overlay node stopped before the call was answered."), "disposed"));
            }
        }

        _deadlines.Dispose();
    }

    /// <summary>The deadline timer fired: calls past their deadline fail with <see cref="CallTimeoutException"/>.</summary>
    private void Sweep()
    {
        _deadlines.BeginSweep();
        var now = _deadlines.Now;
        var earliest = long.MaxValue;
        foreach (var (id, pending) in _pending)
        {
            var deadline = pending.Deadline;
            if (deadline > now)
            {
                earliest = Math.Min(earliest, deadline);
            }
            else if (_pending.TryRemove(new KeyValuePair<long, PendingCall>(id, pending)))
            {
                var call = Ref(pending);
                pending.Fail(Failed(call, pending, new CallTimeoutException(pending.Node, pending.Target, call, pending.Timeout), "timeout"));
            }
        }

        if (earliest != long.MaxValue)
        {
            _deadlines.Add(earliest);
        }
    }

    /// <summary>The caller's cancellation token was cancelled: the call fails with <see cref="OperationCanceledException"/>, unless something ended it first.</summary>
    private void Cancelled(PendingCall pending, CancellationToken cancellationToken)
    {
        var id = pending.Id;
        if (_pending.TryRemove(new KeyValuePair<long, PendingCall>(id, pending)))
        {
            var cancelled = new OperationCanceledException(cancellationToken);
            Count(Ref(pending), pending, "cancelled", cancelled.Message);
            pending.Fail(cancelled);
        }
    }

    private PendingCall Rent()
    {
        if (_pool.TryDequeue(out var pending))
        {
            Interlocked.Decrement(ref _pooled);
            return pending;
        }

        return new PendingCall(this);
    }

    private void Return(PendingCall pending)
    {
        pending.Reset();
        if (Interlocked.Increment(ref _pooled) <= PooledCalls)
        {
            _pool.Enqueue(pending);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
        }
    }

    private PartisanRef Ref(PendingCall pending) => new(_self, pending.Id);

    /// <summary>
    /// What the dispatcher delivers for <paramref name="message"/>: the message as the target sees it and, for the
    /// request of a call (<paramref name="call"/>), the way to answer it (also attached to the message). The call's
    /// node is <paramref name="from"/>, the node that sent the request.
    /// </summary>
    public (ReceivedMessage Message, CallReplier? Replier) Open(NodeName from, string channel, object message, bool isCast, CallHeader call)
    {
        if (!call.IsCall)
        {
            return (new ReceivedMessage(from, channel, message, isCast), null);
        }

        var replier = new CallReplier(this, new PartisanRef(from, call.Id), call.Transitive, channel);
        return (new ReceivedMessage(from, channel, message, IsCast: false) { CallRef = replier.Call, Replier = replier }, replier);
    }

    /// <summary>
    /// Sends an answer to <paramref name="call"/>'s caller, over <paramref name="channel"/>, relayed if the call was
    /// (<paramref name="transitive"/>): the reply, or (<paramref name="failure"/>) a <see cref="CallFailed"/>.
    /// </summary>
    public ValueTask SendAnswerAsync(PartisanRef call, bool transitive, string channel, object? answer, bool failure, CancellationToken cancellationToken)
        => _send(call.Node, new CallAnswerTarget(call.Id, failure), answer, new ForwardOptions { Channel = channel, Transitive = transitive }, default, cancellationToken);

    /// <summary>As <see cref="SendAnswerAsync"/> with a failure, logging instead of throwing: for answers the dispatcher sends on a target's behalf.</summary>
    public async ValueTask TrySendFailureAsync(PartisanRef call, bool transitive, string channel, CallFailed failure)
    {
        try
        {
            await SendAnswerAsync(call, transitive, channel, failure, failure: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            CallLog.ReplyNotSent(_logger, exception, call, call.Node);
        }
    }

    private Exception Failed(PartisanRef call, PendingCall pending, Exception exception, string reason)
    {
        Count(call, pending, reason, exception.Message);
        return exception;
    }

    private void Count(PartisanRef call, PendingCall pending, string reason, string detail) => Count(call, pending.Node, pending.Target, reason, detail);

    private void Count(PartisanRef call, NodeName node, PartisanTarget target, string reason, string detail)
    {
        CallLog.CallFailed(_logger, call, target, node, reason, detail);
        PartisanMetrics.CallFailures.Add(1, new TagList { { "reason", reason } });
    }
}
