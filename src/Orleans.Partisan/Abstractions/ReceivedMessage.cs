namespace Orleans.Partisan;

/// <summary>A message as a receiver gets it.</summary>
/// <param name="From">The node that sent it.</param>
/// <param name="Channel">The channel it came on.</param>
/// <param name="Message">The message.</param>
/// <param name="IsCast">Whether it was sent with <see cref="IPartisan.CastMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/> (or its <see cref="ProcessRef"/> overload).</param>
/// <remarks>
/// A message sent with <see cref="IPartisan.CallAsync{TResponse}"/> carries its call's reference
/// (<see cref="CallRef"/>, serialized with the message) and, as the destination node delivers it to a
/// named receiver or a mailbox, the way back to the caller (never serialized, and not part of equality).
/// </remarks>
[GenerateSerializer, Immutable, Alias("partisan.ReceivedMessage")]
public sealed record ReceivedMessage(
    [property: Id(0)] NodeName From,
    [property: Id(1)] string Channel,
    [property: Id(2)] object Message,
    [property: Id(3)] bool IsCast)
{
    /// <summary>
    /// The reference of the call this message is the request of (the analogue of the tag in a
    /// <c>gen_server</c> call's <c>From</c>); <see langword="null"/> for a forwarded or cast message.
    /// </summary>
    [Id(4)]
    public PartisanRef? CallRef { get; init; }

    /// <summary>Whether this message is the request of a call (<see cref="IPartisan.CallAsync{TResponse}"/>), which expects one reply.</summary>
    public bool IsCall => CallRef is not null;

    /// <summary>
    /// <see cref="Replier"/> or <see cref="Target"/>, which no message has both of: one field, so that the one object a
    /// received message costs is no larger than before it carried its target.
    /// </summary>
    [NonSerialized]
    private readonly object? _local;

    /// <summary>The way back to the caller; set by the delivering node only, never serialized.</summary>
    internal ICallReplier? Replier
    {
        get => _local as ICallReplier;
        init => _local = value;
    }

    /// <summary>
    /// Where the message goes on this node, for a message decoded straight off a connection into what its receiver gets
    /// (a plain forward: no call, so no <see cref="Replier"/>, no acknowledgement); set by the receiving node only, never serialized.
    /// </summary>
    internal PartisanTarget? Target
    {
        get => _local as PartisanTarget;
        init => _local = value;
    }

    /// <summary>
    /// Answers the call this message is the request of (<c>gen_server:reply/2</c>): <paramref name="response"/>
    /// goes back to the caller only, over the channel the request came on (relayed if the call was
    /// <see cref="ForwardOptions.Transitive"/>), and completes its <see cref="IPartisan.CallAsync{TResponse}"/>.
    /// A call is answered once; the receiver may answer later, from another thread, as long as the caller still waits.
    /// </summary>
    /// <param name="response">The reply; any type Orleans can serialize, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for room in the connection's send queue.</param>
    /// <exception cref="InvalidOperationException">
    /// The message is not a call (<see cref="IsCall"/> is false), the call was answered already, or this copy of
    /// the message cannot reply: a grain answers by the return value of <see cref="IPartisanRequestHandler.HandleCall"/>,
    /// and a message that was serialized (sent on, stored) has lost its way back.
    /// </exception>
    /// <exception cref="NodeNotConnectedException">The caller's node is no longer connected (its call fails with <c>nodedown</c>).</exception>
    /// <exception cref="MessageSerializationException"><paramref name="response"/> cannot be serialized; the caller gets a <see cref="CallHandlerException"/> saying so.</exception>
    public ValueTask ReplyAsync(object? response, CancellationToken cancellationToken = default)
    {
        if (CallRef is not { } call)
        {
            throw new InvalidOperationException($"The message from '{From}' was not sent with CallAsync, so there is no caller to reply to; answer a forwarded message by forwarding to a ProcessRef it carries.");
        }

        if (Replier is null)
        {
            throw new InvalidOperationException($"This copy of call {call} cannot reply: a grain answers by the return value of {nameof(IPartisanRequestHandler)}.{nameof(IPartisanRequestHandler.HandleCall)}, and a message that was serialized (sent on, stored) has lost its way back to the caller.");
        }

        return Replier.ReplyAsync(response, cancellationToken);
    }

    /// <inheritdoc />
    public bool Equals(ReceivedMessage? other)
        => other is not null && From == other.From && Channel == other.Channel && Equals(Message, other.Message) && IsCast == other.IsCast && CallRef == other.CallRef;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(From, Channel, Message, IsCast, CallRef);
}
