namespace Orleans.Partisan.Transport;

/// <summary>What <see cref="SendQueue.Enqueue"/> did with a frame.</summary>
internal enum EnqueueStatus
{
    /// <summary>Appended to the queue.</summary>
    Queued,

    /// <summary>Replaced a queued frame with the same supersede key, in its place.</summary>
    Superseded,

    /// <summary>The queue is full: the frame waits for room; await the pending task.</summary>
    Waiting,

    /// <summary>The queue takes no more frames; the frame was not taken (the caller still owns it).</summary>
    Closed,
}
