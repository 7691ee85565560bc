using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Protocols.Broadcast;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Runs a broadcast core (Plumtree): feeds it broadcasts, messages, neighbour and member changes,
/// ticks and the answers of the handler grains, one at a time on one loop, and carries out the
/// effects it returns: sends over the transport, and handler calls whose answers come back to the loop.
/// </summary>
/// <remarks>
/// A handler call never holds up the loop: it runs beside it, with <see cref="PlumtreeOptions.HandlerTimeout"/>,
/// and a failure is logged, counted and answered as the core's contract says (new, not stale, no payload).
/// </remarks>
internal sealed partial class BroadcastDriver : IAsyncDisposable
{
    // Every broadcast message to a peer on one channel goes through one lane (one partition key), so they stay in order.
    private const int Lane = 0;

    private readonly SerialLoop _work;
    private readonly IBroadcastCore _core;
    private readonly OverlayTransport _transport;
    private readonly ImmutableSortedDictionary<string, BroadcastHandlerRegistration> _handlers;
    private readonly IBroadcastHandlerInvoker? _invoker;
    private readonly TimeSpan _handlerTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CoreTimers _timers;
    private readonly CancellationTokenSource _stopping = new();
    private long _originated;
    private long _delivered;
    private long _gossipSent;
    private long _gossipReceived;
    private long _iHaveSent;
    private long _graftSent;
    private long _pruneSent;
    private long _handlerFailures;
    private long _exchanges;

    public BroadcastDriver(
        IBroadcastCore core,
        OverlayTransport transport,
        IEnumerable<BroadcastHandlerRegistration> handlers,
        IBroadcastHandlerInvoker? invoker,
        TimeSpan handlerTimeout,
        TimeProvider time,
        ILogger logger)
    {
        _core = core;
        _transport = transport;
        _handlers = handlers.ToImmutableSortedDictionary(h => h.Name, h => h, StringComparer.Ordinal);
        if (_handlers.Count > 0 && invoker is null)
        {
            throw new ArgumentNullException(nameof(invoker), "Broadcast handlers are registered, so a handler invoker is needed.");
        }

        _invoker = invoker;
        _handlerTimeout = handlerTimeout;
        _time = time;
        _logger = logger;
        _work = new SerialLoop(nameof(BroadcastDriver), (exception, operation) => BroadcastLog.Failed(logger, exception, operation));
        _timers = new CoreTimers(time, _work.Post);
    }

    // Set whenever a handler is registered, and only reached through a registered handler.
    private IBroadcastHandlerInvoker Invoker => _invoker!;

    public void Start()
    {
        _work.Start();
        _work.Post(() => Execute(_core.Start()));
        BroadcastLog.Started(_logger, _core.GetType().Name, _handlers.Count == 0 ? "(none)" : string.Join(", ", _handlers.Values.Select(h => $"{h.Name} on {h.Channel}")));
    }

    /// <summary>The handler registered for the grain interface <paramref name="handlerInterface"/>.</summary>
    public string HandlerName(Type handlerInterface)
        => _handlers.Values.FirstOrDefault(h => h.Interface == handlerInterface)?.Name
            ?? throw new UnknownBroadcastHandlerException(handlerInterface.FullName ?? handlerInterface.Name, _handlers.Keys);

    /// <summary>
    /// Turns <paramref name="message"/> into an id and payload with the local handler, merges it there, and broadcasts it
    /// if it was new; in a <see cref="PartisanTelemetry.BroadcastSpan"/> when a listener wants one.
    /// </summary>
    public Task<bool> BroadcastAsync(string handler, object message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(message);
        if (!_handlers.TryGetValue(handler, out var registration))
        {
            throw new UnknownBroadcastHandlerException(handler, _handlers.Keys);
        }

        return PartisanTelemetry.Source.HasListeners()
            ? TracedBroadcastAsync(registration, message, cancellationToken)
            : BroadcastAsync(registration, message, trace: null, cancellationToken);
    }

    private async Task<bool> BroadcastAsync(BroadcastHandlerRegistration registration, object message, TraceContext? trace, CancellationToken cancellationToken)
    {
        var handler = registration.Name;

        // The originator's own handler calls fail to the caller, who can retry; nothing was sent yet.
        var data = await Invoker.BroadcastDataAsync(registration, message).WaitAsync(_handlerTimeout, _time, cancellationToken).ConfigureAwait(false)
            ?? throw new PartisanException($"Broadcast handler '{handler}' returned no BroadcastData for {message.GetType().Name}.");
        if (!await Invoker.MergeAsync(registration, data.MessageId, data.Payload).WaitAsync(_handlerTimeout, _time, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Interlocked.Increment(ref _originated);
        Delivered();
        await _work.Invoke(() => Execute(_core.Broadcast(handler, data.MessageId, data.Payload, trace))).ConfigureAwait(false);
        return true;
    }

    public void OnMessage(NodeName from, IBroadcastMessage message)
    {
        if (message is BroadcastGossip)
        {
            Interlocked.Increment(ref _gossipReceived);
        }

        _work.Post(() => Execute(_core.Handle(from, message)));
    }

    public void OnNeighborUp(NodeName peer) => _work.Post(() => Execute(_core.NeighborUp(peer)));

    public void OnNeighborDown(NodeName peer) => _work.Post(() => Execute(_core.NeighborDown(peer)));

    public void OnMembersChanged(IReadOnlyCollection<NodeName> members) => _work.Post(() => Execute(_core.MembersChanged(members)));

    /// <summary>This node's links in every tree it knows.</summary>
    public Task<IReadOnlyList<BroadcastTree>> GetTreesAsync() => _work.Invoke(() => Task.FromResult<IReadOnlyList<BroadcastTree>>(
        [.. _core.Trees().Select(t => new BroadcastTree(t.Root, [.. t.Eager], [.. t.Lazy]))]));

    public BroadcastStatistics Statistics => new()
    {
        Originated = Interlocked.Read(ref _originated),
        Delivered = Interlocked.Read(ref _delivered),
        GossipSent = Interlocked.Read(ref _gossipSent),
        GossipReceived = Interlocked.Read(ref _gossipReceived),
        IHaveSent = Interlocked.Read(ref _iHaveSent),
        GraftSent = Interlocked.Read(ref _graftSent),
        PruneSent = Interlocked.Read(ref _pruneSent),
        HandlerFailures = Interlocked.Read(ref _handlerFailures),
        Exchanges = Interlocked.Read(ref _exchanges),
    };

    public async ValueTask DisposeAsync()
    {
        var stopped = _work.StopAsync();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await stopped.ConfigureAwait(false);
        await _timers.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private Task Execute(IReadOnlyList<BroadcastEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case BroadcastSendEffect send:
                    Send(send.To, send.Message);
                    break;
                case MergeEffect merge:
                    // A failed merge passes the message on as if it were new: the link it came over is not to blame.
                    Ask(merge.From, merge.Gossip.Handler, "Merge", h => MergeAsync(h, merge.From, merge.Gossip), fallback: true, (isNew, answered) =>
                    {
                        if (isNew && answered)
                        {
                            Delivered();
                        }

                        return _core.Merged(merge.From, merge.Gossip, isNew);
                    });
                    break;
                case CheckStaleEffect check:
                    Ask(check.From, check.Handler, "IsStale", h => Invoker.IsStaleAsync(h, check.Announcement.MessageId), fallback: false,
                        (isStale, _) => _core.StaleChecked(check.From, check.Handler, check.Announcement, isStale));
                    break;
                case GraftPayloadEffect graft:
                    Ask(graft.Requester, graft.Graft.Handler, "Graft", h => Invoker.GraftAsync(h, graft.Graft.MessageId), fallback: BroadcastGraftResult.Stale,
                        (result, _) => _core.GraftAnswered(graft.Requester, graft.Graft, Payload(graft, result)));
                    break;
                case ExchangeEffect exchange:
                    Exchange(exchange.Peer);
                    break;
                case BroadcastTimerEffect arm:
                    _timers.Arm(arm.Timer, arm.Due, arm.Periodic, timer => Execute(_core.OnTimer(timer)));
                    break;
                case CancelBroadcastTimerEffect cancel:
                    _timers.Cancel(cancel.Timer);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private object? Payload(GraftPayloadEffect graft, BroadcastGraftResult result)
    {
        if (result.Status == BroadcastGraftStatus.Error)
        {
            BroadcastLog.GraftFailed(_logger, graft.Graft.Handler, graft.Requester, result.Error ?? "no reason given");
            HandlerFailed("Graft");
        }

        return result.Status == BroadcastGraftStatus.Found ? result.Payload : null;
    }

    private void Send(NodeName to, IBroadcastMessage message)
    {
        var channel = message.Handler is { } handler && _handlers.TryGetValue(handler, out var registration) ? registration.Channel : PartisanChannels.Default;
        try
        {
            var pending = _transport.SendAsync(to, channel, message, Lane, supersedeKey: null, _stopping.Token);
            Count(message);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(to, pending);
            }
        }
        catch (PartisanException exception)
        {
            // Not a neighbour any more: the core hears of it through NeighborDown.
            BroadcastLog.SendSkipped(_logger, to, exception.Message);
        }
    }

    private void Count(IBroadcastMessage message)
    {
        string kind;
        switch (message)
        {
            case BroadcastGossip:
                kind = "gossip";
                Interlocked.Increment(ref _gossipSent);
                break;
            case BroadcastIHave:
                kind = "ihave";
                Interlocked.Increment(ref _iHaveSent);
                break;
            case BroadcastGraft:
                kind = "graft";
                Interlocked.Increment(ref _graftSent);
                break;
            default:
                kind = "prune";
                Interlocked.Increment(ref _pruneSent);
                break;
        }

        PartisanMetrics.BroadcastSent.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    private async Task ObserveAsync(NodeName to, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            BroadcastLog.SendSkipped(_logger, to, exception.Message);
        }
    }

    /// <summary>
    /// Calls a handler beside the loop and feeds its answer back to the core on the loop, or
    /// <paramref name="fallback"/> when it fails (then <paramref name="answer"/> is told the handler did not answer).
    /// </summary>
    private void Ask<T>(NodeName from, string handler, string operation, Func<BroadcastHandlerRegistration, Task<T>> call, T fallback, Func<T, bool, IReadOnlyList<BroadcastEffect>> answer)
    {
        _ = AskAsync();

        async Task AskAsync()
        {
            var result = fallback;
            var answered = false;
            if (!_handlers.TryGetValue(handler, out var registration))
            {
                BroadcastLog.UnknownHandler(_logger, from, handler);
                HandlerFailed(operation);
            }
            else
            {
                try
                {
                    result = await call(registration).WaitAsync(_handlerTimeout, _time, _stopping.Token).ConfigureAwait(false);
                    answered = true;
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (TimeoutException)
                {
                    BroadcastLog.HandlerTimedOut(_logger, handler, operation, _handlerTimeout);
                    HandlerFailed(operation);
                }
                catch (Exception exception)
                {
                    BroadcastLog.HandlerFailed(_logger, exception, handler, operation);
                    HandlerFailed(operation);
                }
            }

            _work.Post(() => Execute(answer(result, answered)));
        }
    }

    /// <summary>Asks the handler to merge a gossiped message, in a <see cref="PartisanTelemetry.BroadcastDeliverSpan"/> (a child of the broadcaster's span) when a listener wants one.</summary>
    private Task<bool> MergeAsync(BroadcastHandlerRegistration handler, NodeName from, BroadcastGossip gossip)
        => PartisanTelemetry.Source.HasListeners()
            ? TracedMergeAsync(handler, from, gossip)
            : Invoker.MergeAsync(handler, gossip.MessageId, gossip.Payload);

    private void Exchange(NodeName peer)
    {
        Interlocked.Increment(ref _exchanges);
        foreach (var registration in _handlers.Values)
        {
            _ = ExchangeAsync(registration);
        }

        async Task ExchangeAsync(BroadcastHandlerRegistration registration)
        {
            try
            {
                await Invoker.ExchangeAsync(registration, peer).WaitAsync(_handlerTimeout, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (TimeoutException)
            {
                BroadcastLog.HandlerTimedOut(_logger, registration.Name, "Exchange", _handlerTimeout);
                HandlerFailed("Exchange");
            }
            catch (Exception exception)
            {
                BroadcastLog.HandlerFailed(_logger, exception, registration.Name, "Exchange");
                HandlerFailed("Exchange");
            }
        }
    }

    private void Delivered()
    {
        Interlocked.Increment(ref _delivered);
        PartisanMetrics.BroadcastDeliveries.Add(1);
    }

    private void HandlerFailed(string operation)
    {
        Interlocked.Increment(ref _handlerFailures);
        PartisanMetrics.BroadcastFailures.Add(1, new KeyValuePair<string, object?>("operation", operation));
    }
}
