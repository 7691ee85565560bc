namespace Orleans.Partisan.Transport;

/// <summary>
/// The wire form of a forwarded message: where it goes on the destination node and what it is. A call's request or
/// an acknowledged message carries headers too (<see cref="Call"/>, <see cref="Delivery"/>), in a
/// <see cref="HeadedForwardEnvelope"/>, so that a plain forward's envelope stays one small object; the answer to a
/// call goes to a <see cref="CallAnswerTarget"/>. Make one with <see cref="Create"/>. The setters are for the delivery
/// layer's pooled envelope of an acknowledged send (<c>Runtime/OutgoingDelivery</c>), which the transport encodes
/// at once and keeps no reference to.
/// </summary>
[GenerateSerializer, Alias("partisan.Forward")]
internal class ForwardEnvelope(PartisanTarget target, object? message, bool isCast)
{
    [Id(0)]
    public PartisanTarget Target { get; private protected set; } = target;

    /// <summary>The message; <see langword="null"/> only for a reply (<see cref="CallAnswerTarget"/>) that is null.</summary>
    [Id(1)]
    public object? Message { get; private protected set; } = message;

    [Id(2)]
    public bool IsCast { get; private protected set; } = isCast;

    /// <summary>The call this message is the request of; <c>default</c> for any other message.</summary>
    public virtual CallHeader Call => default;

    /// <summary>The numbers of an acknowledged message without a causal label; <c>default</c> for any other message.</summary>
    public virtual DeliveryHeader Delivery => default;

    /// <summary>An envelope with the given headers: a plain one when both are <c>default</c>.</summary>
    public static ForwardEnvelope Create(PartisanTarget target, object? message, bool isCast, CallHeader call = default, DeliveryHeader delivery = default)
        => call.IsCall || delivery.IsTracked ? new HeadedForwardEnvelope(target, message, isCast, call, delivery) : new ForwardEnvelope(target, message, isCast);
}
