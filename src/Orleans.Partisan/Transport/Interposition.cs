using System.Threading.Channels;

namespace Orleans.Partisan.Transport;

/// <summary>
/// Consults the node's <see cref="IPartisanInterposer"/> and carries out its decisions: counts and logs
/// the drops, and holds delayed messages in one delay line per (peer, channel, direction) that releases
/// them in the order they entered, on the injected clock.
/// </summary>
internal sealed class Interposition : IAsyncDisposable
{
    private readonly TransportContext _context;
    private readonly IPartisanInterposer _interposer;
    private readonly Dictionary<(NodeName Peer, string Channel, bool Inbound), DelayLine> _lines = [];
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    public Interposition(TransportContext context, IPartisanInterposer interposer)
    {
        _context = context;
        _interposer = interposer;
    }

    /// <summary>Asks the interposer about a message to <paramref name="to"/>; a drop is counted and logged here.</summary>
    public InterposerDecision OnSend(NodeName to, string channel, object message)
    {
        var decision = Decide(new InterposedMessage(_context.Settings.LocalName, to, channel, message), inbound: false);
        if (decision.Action == InterposerAction.Drop)
        {
            CountDrop("send", channel);
            TransportLog.DroppedOnSend(_context.Logger, to, channel);
        }

        return decision;
    }

    /// <summary>
    /// Asks the interposer about a message received from <paramref name="from"/>. Returns whether the
    /// caller dispatches it now; otherwise it was dropped, or is held and dispatched to
    /// <paramref name="events"/> when its delay ends.
    /// </summary>
    public bool OnReceive(NodeName from, string channel, object message, ITransportEvents events)
    {
        var decision = Decide(new InterposedMessage(from, _context.Settings.LocalName, channel, message), inbound: true);
        switch (decision.Action)
        {
            case InterposerAction.Drop:
                CountDrop("receive", channel);
                TransportLog.DroppedOnReceive(_context.Logger, from, channel);
                return false;
            case InterposerAction.Delay:
                Hold(from, channel, inbound: true, new DelayedReceive(_context, events, from, channel, message) { Delay = decision.Delay });
                return false;
            default:
                return true;
        }
    }

    /// <summary>Holds an outgoing message on the delay line to (<paramref name="to"/>, <paramref name="channel"/>); it owns it from now on.</summary>
    public void HoldSend(NodeName to, string channel, DelayedMessage message) => Hold(to, channel, inbound: false, message);

    public async ValueTask DisposeAsync()
    {
        List<Task> loops;
        lock (_lines)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loops = [];
            foreach (var line in _lines.Values)
            {
                line.Queue.Writer.TryComplete();
                loops.Add(line.Loop);
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private InterposerDecision Decide(in InterposedMessage message, bool inbound)
    {
        try
        {
            return inbound ? _interposer.OnReceive(message) : _interposer.OnSend(message);
        }
        catch (Exception exception)
        {
            TransportLog.InterposerFailed(_context.Logger, exception, inbound ? "receive" : "send");
            return InterposerDecision.Deliver;
        }
    }

    private static void CountDrop(string direction, string channel)
        => PartisanMetrics.Dropped.Add(1, new System.Diagnostics.TagList { { "reason", "injected" }, { "direction", direction }, { "channel", channel } });

    private void Hold(NodeName peer, string channel, bool inbound, DelayedMessage message)
    {
        message.EnteredAt = _context.TimeProvider.GetTimestamp();
        lock (_lines)
        {
            if (!_disposed)
            {
                if (!_lines.TryGetValue((peer, channel, inbound), out var line))
                {
                    line = new DelayLine();
                    line.Loop = RunAsync(line.Queue.Reader);
                    _lines.Add((peer, channel, inbound), line);
                }

                if (line.Queue.Writer.TryWrite(message))
                {
                    return;
                }
            }
        }

        message.Discard();
    }

    private async Task RunAsync(ChannelReader<DelayedMessage> reader)
    {
        await Task.Yield();
        var time = _context.TimeProvider;
        var token = _stopping.Token;
        DelayedMessage? current = null;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (reader.TryRead(out current))
                {
                    // Each message waits for its own delay, but only after every earlier one of the
                    // line was released: the line is FIFO.
                    var remaining = current.Delay - time.GetElapsedTime(current.EnteredAt);
                    if (remaining > TimeSpan.Zero)
                    {
                        await Task.Delay(remaining, time, token).ConfigureAwait(false);
                    }

                    var message = current;
                    current = null;
                    try
                    {
                        await message.ReleaseAsync(token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception exception)
                    {
                        TransportLog.LoopFailed(_context.Logger, exception, "interposer delay line");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            current?.Discard();
            while (reader.TryRead(out var rest))
            {
                rest.Discard();
            }
        }
    }

    private sealed class DelayLine
    {
        public Channel<DelayedMessage> Queue { get; } = Channel.CreateUnbounded<DelayedMessage>(new UnboundedChannelOptions { SingleReader = true });

        public Task Loop { get; set; } = Task.CompletedTask;
    }

    private sealed class DelayedReceive(TransportContext context, ITransportEvents events, NodeName from, string channel, object message) : DelayedMessage
    {
        public override ValueTask ReleaseAsync(CancellationToken cancellationToken)
        {
            try
            {
                events.OnMessage(from, channel, message);
            }
            catch (Exception exception)
            {
                TransportLog.MessageHandlerFailed(context.Logger, exception, from, channel);
            }

            return ValueTask.CompletedTask;
        }

        public override void Discard()
        {
        }
    }
}

/// <summary>A message held on a delay line.</summary>
internal abstract class DelayedMessage
{
    /// <summary>How long it is held.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>When it entered the line (a <see cref="TimeProvider"/> timestamp).</summary>
    public long EnteredAt { get; set; }

    /// <summary>Lets it through; called once, in line order. Must not throw but for cancellation.</summary>
    public abstract ValueTask ReleaseAsync(CancellationToken cancellationToken);

    /// <summary>Gives up the message (the transport is stopping).</summary>
    public abstract void Discard();
}
