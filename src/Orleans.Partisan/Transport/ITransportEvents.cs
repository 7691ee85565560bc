namespace Orleans.Partisan.Transport;

/// <summary>
/// What the transport reports to the node that owns it.
/// </summary>
/// <remarks>
/// Threading contract: methods are called from connection loops, possibly concurrently for
/// different connections; they must not block and must not throw.
/// </remarks>
internal interface ITransportEvents
{
    /// <summary>The first outbound connection to <paramref name="peer"/> completed its handshake.</summary>
    void OnPeerUp(NodeSpec peer);

    /// <summary>The last outbound connection to <paramref name="peer"/> closed.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="reason">Why the last lane closed.</param>
    void OnPeerDown(NodeName peer, CloseReason reason);

    /// <summary>
    /// A message arrived from <paramref name="from"/> on an inbound connection of <paramref name="channel"/>: a plain
    /// forward as the <see cref="ReceivedMessage"/> its receiver gets (with its <see cref="ReceivedMessage.Target"/>,
    /// <see cref="WireCodec.Receive"/>), any other forward as a <see cref="ForwardEnvelope"/>, anything else as itself.
    /// </summary>
    void OnMessage(NodeName from, string channel, object message);

    /// <summary>
    /// An acknowledged forward arrived on an inbound connection, read as the <see cref="ReceivedMessage"/> its receiver
    /// gets (with its <see cref="ReceivedMessage.Target"/>) and its numbers, <paramref name="tracked"/>, which the node
    /// checks before it delivers it: no envelope is made for it. Unless implemented, handed to <see cref="OnMessage"/>
    /// in the envelope it would have been read into (<see cref="WireCodec.Envelope"/>).
    /// </summary>
    void OnTrackedMessage(ReceivedMessage message, DeliveryHeader tracked)
        => OnMessage(message.From, message.Channel, WireCodec.Envelope(message, tracked));

    /// <summary>
    /// An inbound connection handed over every frame of one socket read (one or more <see cref="OnMessage"/> calls
    /// on this thread, while <see cref="ReceiveBatch.IsActive"/>): work that covers a whole read, such as one
    /// cumulative acknowledgement per sender, is done now. Does nothing unless implemented.
    /// </summary>
    void OnReceiveBatchEnd()
    {
    }
}
