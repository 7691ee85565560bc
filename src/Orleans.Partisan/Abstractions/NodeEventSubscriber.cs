namespace Orleans.Partisan;

/// <summary>
/// Who receives node events from a node monitor, or the <c>DOWN</c> of a process monitor: a callback, a
/// local mailbox, or a grain or client observer. Subscribers compare by what they wrap, so monitoring is
/// switched off with an equal subscriber.
/// </summary>
/// <remarks>
/// A mailbox receives both kinds (a <see cref="NodeEvent"/> or a <see cref="ProcessDown"/> as the
/// <see cref="ReceivedMessage.Message"/>); a callback or an observer receives the kind it was made for.
/// </remarks>
public abstract class NodeEventSubscriber : IEquatable<NodeEventSubscriber>
{
    private protected NodeEventSubscriber()
    {
    }

    /// <summary>Calls <paramref name="callback"/> for each event. Events are delivered in order on the overlay's event loop: the callback must not block, and what it throws is logged and counted.</summary>
    public static NodeEventSubscriber Callback(Action<NodeEvent> callback) => new CallbackSubscriber(callback);

    /// <summary>Puts each event into the local mailbox <paramref name="mailbox"/> as a <see cref="ReceivedMessage"/> whose message is the <see cref="NodeEvent"/>.</summary>
    public static NodeEventSubscriber Mailbox(ProcessRef mailbox) => new MailboxSubscriber(mailbox);

    /// <summary>Calls <see cref="INodeEventObserver.OnNodeEvent"/> on a grain or on a client observer reference.</summary>
    public static NodeEventSubscriber Observer(INodeEventObserver observer) => new ObserverSubscriber(observer);

    /// <summary>
    /// Calls <paramref name="callback"/> with the <c>DOWN</c> of a process monitor, on the overlay's event loop:
    /// the callback must not block, and what it throws is logged and counted. Not a node-event subscriber.
    /// </summary>
    public static NodeEventSubscriber ProcessDownCallback(Action<ProcessDown> callback) => new ProcessDownCallbackSubscriber(callback);

    /// <summary>Calls <see cref="IProcessDownObserver.OnProcessDown"/> on a grain or on a client observer reference. Not a node-event subscriber.</summary>
    public static NodeEventSubscriber Observer(IProcessDownObserver observer) => new ProcessDownObserverSubscriber(observer);

    /// <summary>Whether node monitors can deliver to this subscriber.</summary>
    internal virtual bool ReceivesNodeEvents => true;

    /// <summary>Whether process monitors can deliver a <c>DOWN</c> to this subscriber.</summary>
    internal virtual bool ReceivesProcessDown => true;

    /// <inheritdoc />
    public abstract bool Equals(NodeEventSubscriber? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeEventSubscriber other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();
}

internal sealed class CallbackSubscriber(Action<NodeEvent> callback) : NodeEventSubscriber
{
    public Action<NodeEvent> Handler { get; } = callback ?? throw new ArgumentNullException(nameof(callback));

    internal override bool ReceivesProcessDown => false;

    public override bool Equals(NodeEventSubscriber? other) => other is CallbackSubscriber c && c.Handler.Equals(Handler);

    public override int GetHashCode() => Handler.GetHashCode();

    public override string ToString() => $"callback {Handler.Method.Name}";
}

internal sealed class MailboxSubscriber(ProcessRef mailbox) : NodeEventSubscriber
{
    public ProcessRef MailboxRef { get; } = mailbox ?? throw new ArgumentNullException(nameof(mailbox));

    public override bool Equals(NodeEventSubscriber? other) => other is MailboxSubscriber m && m.MailboxRef.Equals(MailboxRef);

    public override int GetHashCode() => MailboxRef.GetHashCode();

    public override string ToString() => $"mailbox {MailboxRef}";
}

internal sealed class ObserverSubscriber(INodeEventObserver observer) : NodeEventSubscriber
{
    public INodeEventObserver Target { get; } = observer ?? throw new ArgumentNullException(nameof(observer));

    public GrainId Id { get; } = observer.GetGrainId();

    internal override bool ReceivesProcessDown => false;

    public override bool Equals(NodeEventSubscriber? other) => other is ObserverSubscriber o && o.Id.Equals(Id);

    public override int GetHashCode() => Id.GetHashCode();

    public override string ToString() => $"observer {Id}";
}
