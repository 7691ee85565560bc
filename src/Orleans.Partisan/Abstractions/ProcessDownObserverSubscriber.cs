namespace Orleans.Partisan;

/// <summary>A grain or client observer of process <c>DOWN</c> notifications (<see cref="NodeEventSubscriber.Observer(IProcessDownObserver)"/>).</summary>
internal sealed class ProcessDownObserverSubscriber(IProcessDownObserver observer) : NodeEventSubscriber
{
    public IProcessDownObserver Target { get; } = observer ?? throw new ArgumentNullException(nameof(observer));

    public GrainId Id { get; } = observer.GetGrainId();

    internal override bool ReceivesNodeEvents => false;

    public override bool Equals(NodeEventSubscriber? other) => other is ProcessDownObserverSubscriber o && o.Id.Equals(Id);

    public override int GetHashCode() => Id.GetHashCode();

    public override string ToString() => $"DOWN observer {Id}";
}
