namespace Orleans.Partisan.Transport;

/// <summary>
/// The wire form of a forwarded message: where it goes on the destination node, what it is, and, for request-reply,
/// the call it is the request of (<see cref="Call"/>) or the call it answers (a <see cref="CallAnswerTarget"/>), and,
/// for an acknowledged message without a causal label, its numbers (<see cref="Delivery"/>).
/// </summary>
[GenerateSerializer, Alias("partisan.Forward")]
internal sealed class ForwardEnvelope(PartisanTarget target, object? message, bool isCast, CallHeader call = default, DeliveryHeader delivery = default)
{
    [Id(0)]
    public PartisanTarget Target { get; } = target;

    /// <summary>The message; <see langword="null"/> only for a reply (<see cref="CallAnswerTarget"/>) that is null.</summary>
    [Id(1)]
    public object? Message { get; } = message;

    [Id(2)]
    public bool IsCast { get; } = isCast;

    /// <summary>The call this message is the request of; <c>default</c> for any other message.</summary>
    [Id(3)]
    public CallHeader Call { get; } = call;

    /// <summary>The numbers of an acknowledged message without a causal label; <c>default</c> for any other message.</summary>
    [Id(4)]
    public DeliveryHeader Delivery { get; } = delivery;
}
