namespace Orleans.Partisan.Transport;

/// <summary>A sender waiting for room, holding its frame.</summary>
internal sealed class SendQueueWaiter(SendQueue queue, PooledFrame frame, object? key)
{
    private CancellationTokenRegistration _registration; // guarded by the queue's lock while Node is set

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PooledFrame Frame { get; } = frame;

    public object? Key { get; } = key;

    /// <summary>Its node in the waiting list while it waits (guarded by the queue's lock).</summary>
    public LinkedListNode<SendQueueWaiter>? Node { get; set; }

    public void Register(CancellationToken cancellationToken)
    {
        var registration = cancellationToken.UnsafeRegister(static (state, token) => ((SendQueueWaiter)state!).Cancel(token), this);
        lock (queue.SyncRoot)
        {
            if (Node is not null)
            {
                // Still waiting: whoever takes it out of the list (under the lock) disposes this.
                _registration = registration;
                return;
            }
        }

        registration.Dispose();
    }

    public void Admitted()
    {
        _registration.Dispose();
        Completion.TrySetResult();
    }

    public void Fail(Exception exception)
    {
        _registration.Dispose();
        Frame.Return();
        Completion.TrySetException(exception);
    }

    private void Cancel(CancellationToken cancellationToken)
    {
        if (queue.TryRemoveWaiter(this))
        {
            Frame.Return();
            Completion.TrySetCanceled(cancellationToken);
        }
    }
}
