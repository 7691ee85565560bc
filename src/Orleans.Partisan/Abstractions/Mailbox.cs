using System.Threading.Channels;

namespace Orleans.Partisan;

/// <summary>
/// A local queue of messages with an overlay address (<see cref="Self"/>), the analogue of an
/// Erlang process's mailbox. Unbounded, like Erlang's. Dispose it to stop receiving; messages sent
/// to it afterwards are undeliverable.
/// </summary>
public sealed class Mailbox : IDisposable
{
    private readonly Channel<ReceivedMessage> _queue = Channel.CreateUnbounded<ReceivedMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Action<Mailbox> _onDispose;
    private readonly DownSkippingReader _reader;

    // DOWNs of process monitors posted and not yet read, and those of them a flushing demonitor withdrew.
    private readonly Dictionary<PartisanRef, (ReceivedMessage Message, Action OnTaken)> _unreadDowns = [];
    private readonly Dictionary<PartisanRef, ReceivedMessage> _flushedDowns = [];

    internal Mailbox(ProcessRef self, Action<Mailbox> onDispose)
    {
        Self = self;
        _onDispose = onDispose;
        _reader = new DownSkippingReader(this);
    }

    /// <summary>This mailbox's address (Erlang's <c>self()</c> inside the process).</summary>
    public ProcessRef Self { get; }

    /// <summary>The messages, for <c>await foreach</c> or <c>WaitToReadAsync</c>.</summary>
    public ChannelReader<ReceivedMessage> Reader => _reader;

    /// <summary>Waits for the next message.</summary>
    public ValueTask<ReceivedMessage> ReceiveAsync(CancellationToken cancellationToken = default) => _reader.ReadAsync(cancellationToken);

    /// <summary>Takes the next message if there is one.</summary>
    public bool TryReceive(out ReceivedMessage message) => _reader.TryRead(out message!);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_queue.Writer.TryComplete())
        {
            _onDispose(this);
            List<Action> taken;
            lock (_unreadDowns)
            {
                taken = [.. _unreadDowns.Values.Select(d => d.OnTaken)];
                _unreadDowns.Clear();
                _flushedDowns.Clear();
            }

            taken.ForEach(t => t());
        }
    }

    internal bool Post(ReceivedMessage message) => _queue.Writer.TryWrite(message);

    /// <summary>Posts the <c>DOWN</c> of <paramref name="monitor"/>; <paramref name="onTaken"/> runs once it is read, flushed, or the mailbox is disposed.</summary>
    internal bool PostDown(PartisanRef monitor, ReceivedMessage message, Action onTaken)
    {
        lock (_unreadDowns)
        {
            if (!_queue.Writer.TryWrite(message))
            {
                return false;
            }

            _unreadDowns[monitor] = (message, onTaken);
            return true;
        }
    }

    /// <summary>Withdraws the unread <c>DOWN</c> of <paramref name="monitor"/> (<c>demonitor(Ref, [flush])</c>): readers never see it.</summary>
    internal bool FlushDown(PartisanRef monitor)
    {
        Action? taken = null;
        lock (_unreadDowns)
        {
            if (_unreadDowns.Remove(monitor, out var down))
            {
                _flushedDowns[monitor] = down.Message;
                taken = down.OnTaken;
            }
        }

        taken?.Invoke();
        return taken is not null;
    }

    /// <summary>Whether <paramref name="message"/>, just read, is a flushed <c>DOWN</c> to skip; settles its bookkeeping either way.</summary>
    private bool Skip(ReceivedMessage message)
    {
        if (message.Message is not ProcessDown down)
        {
            return false;
        }

        Action? taken = null;
        bool flushed;
        lock (_unreadDowns)
        {
            flushed = _flushedDowns.TryGetValue(down.Monitor, out var withdrawn) && ReferenceEquals(withdrawn, message) && _flushedDowns.Remove(down.Monitor);
            if (!flushed && _unreadDowns.TryGetValue(down.Monitor, out var posted) && ReferenceEquals(posted.Message, message))
            {
                _unreadDowns.Remove(down.Monitor);
                taken = posted.OnTaken;
            }
        }

        taken?.Invoke();
        return flushed;
    }

    /// <summary>The queue's reader, minus the <c>DOWN</c>s a flushing demonitor withdrew.</summary>
    private sealed class DownSkippingReader(Mailbox owner) : ChannelReader<ReceivedMessage>
    {
        private ChannelReader<ReceivedMessage> Inner => owner._queue.Reader;

        public override Task Completion => Inner.Completion;

        public override bool CanCount => Inner.CanCount;

        public override int Count => Inner.Count;

        public override bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ReceivedMessage item)
        {
            while (Inner.TryRead(out var message))
            {
                if (!owner.Skip(message))
                {
                    item = message;
                    return true;
                }
            }

            item = null;
            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => Inner.WaitToReadAsync(cancellationToken);

        public override ValueTask<ReceivedMessage> ReadAsync(CancellationToken cancellationToken = default)
            => !cancellationToken.IsCancellationRequested && TryRead(out var message) ? new(message) : ReadSlowAsync(cancellationToken);

        // Waits on the queue's own pooled read, so a waiting receive costs what it did without the filter.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<ReceivedMessage> ReadSlowAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var message = await Inner.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!owner.Skip(message))
                {
                    return message;
                }
            }
        }
    }
}
