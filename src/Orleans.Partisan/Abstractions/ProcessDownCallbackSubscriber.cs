namespace Orleans.Partisan;

/// <summary>A callback of process <c>DOWN</c> notifications (<see cref="NodeEventSubscriber.ProcessDownCallback"/>).</summary>
internal sealed class ProcessDownCallbackSubscriber(Action<ProcessDown> callback) : NodeEventSubscriber
{
    public Action<ProcessDown> Handler { get; } = callback ?? throw new ArgumentNullException(nameof(callback));

    internal override bool ReceivesNodeEvents => false;

    public override bool Equals(NodeEventSubscriber? other) => other is ProcessDownCallbackSubscriber c && c.Handler.Equals(Handler);

    public override int GetHashCode() => Handler.GetHashCode();

    public override string ToString() => $"DOWN callback {Handler.Method.Name}";
}
