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

    internal Mailbox(ProcessRef self, Action<Mailbox> onDispose)
    {
        Self = self;
        _onDispose = onDispose;
    }

    /// <summary>This mailbox's address (Erlang's <c>self()</c> inside the process).</summary>
    public ProcessRef Self { get; }

    /// <summary>The messages, for <c>await foreach</c> or <c>WaitToReadAsync</c>.</summary>
    public ChannelReader<ReceivedMessage> Reader => _queue.Reader;

    /// <summary>Waits for the next message.</summary>
    public ValueTask<ReceivedMessage> ReceiveAsync(CancellationToken cancellationToken = default) => _queue.Reader.ReadAsync(cancellationToken);

    /// <summary>Takes the next message if there is one.</summary>
    public bool TryReceive(out ReceivedMessage message)
    {
        if (_queue.Reader.TryRead(out var m))
        {
            message = m;
            return true;
        }

        message = null!;
        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_queue.Writer.TryComplete())
        {
            _onDispose(this);
        }
    }

    internal bool Post(ReceivedMessage message) => _queue.Writer.TryWrite(message);
}
