using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Transport;

/// <summary>
/// Whether the current thread is handing over the frames of one socket read (an inbound connection's loop between
/// its read and <see cref="ITransportEvents.OnReceiveBatchEnd"/>). What a message handler defers to the end of
/// the read, such as an acknowledgement that covers every message of it, it may leave to that call only while
/// this is true; otherwise no such call follows on this thread.
/// </summary>
internal static class ReceiveBatch
{
    [ThreadStatic]
    private static bool _active;

    /// <summary>Whether the current thread is inside a read's hand-over, with <see cref="ITransportEvents.OnReceiveBatchEnd"/> to follow.</summary>
    public static bool IsActive => _active;

    /// <summary>Marks the start of a read's hand-over on the current thread.</summary>
    public static void Enter() => _active = true;

    /// <summary>Marks its end, before <see cref="Ended"/>.</summary>
    public static void Exit() => _active = false;

    /// <summary>
    /// After the hand-over of one read from <paramref name="peer"/>: <paramref name="events"/> hear of it if a frame was
    /// handed over (<see cref="ITransportEvents.OnReceiveBatchEnd"/>); what they throw is logged, as for a message.
    /// </summary>
    public static void Ended(ITransportEvents events, int frames, ILogger logger, NodeName peer, string channel)
    {
        if (frames == 0)
        {
            return;
        }

        try
        {
            events.OnReceiveBatchEnd();
        }
        catch (Exception exception)
        {
            TransportLog.MessageHandlerFailed(logger, exception, peer, channel);
        }
    }
}
