namespace Orleans.Partisan.Transport;

/// <summary>Messages held back by an <see cref="IPartisanInterposer"/> and queued when their delay ends.</summary>
internal sealed partial class OverlayTransport
{
    /// <summary>Queues a message whose injected delay ended, on a lane picked now; a message that finds no open lane is lost and counted.</summary>
    private async ValueTask ReleaseDelayedAsync(NodeName peer, string channel, int index, int? lane, PooledFrame frame, object message, object? supersedeKey, CancellationToken cancellationToken)
    {
        var connection = TryPickLane(peer, index, lane);
        for (var attempt = 0; connection is not null; attempt++)
        {
            frame = Reframe(frame, message, connection);
            var status = connection.Queue.Enqueue(frame, supersedeKey, cancellationToken, out var pending);
            if (status != EnqueueStatus.Closed)
            {
                PartisanMetrics.Sent.Add(1, connection.ChannelTag);
                try
                {
                    // Waiting here (on a full queue) holds back the rest of the delay line, in order.
                    await pending.ConfigureAwait(false);
                }
                catch (PartisanException exception)
                {
                    NotSent(exception.Message);
                }

                return;
            }

            connection = attempt == 0 ? TryPickLane(peer, index, lane) : null;
        }

        frame.Return();
        NotSent("no open connection when its delay ended");

        void NotSent(string reason)
        {
            TransportLog.DelayedNotSent(_context.Logger, peer, channel, reason);
            PartisanMetrics.Undeliverable.Add(1, new System.Diagnostics.TagList { { "reason", "not-connected" } });
        }
    }

    private sealed class DelayedSend(OverlayTransport transport, NodeName peer, string channel, int index, int? lane, PooledFrame frame, object message, object? supersedeKey) : DelayedMessage
    {
        public override ValueTask ReleaseAsync(CancellationToken cancellationToken)
            => transport.ReleaseDelayedAsync(peer, channel, index, lane, frame, message, supersedeKey, cancellationToken);

        public override void Discard() => frame.Return();
    }
}
