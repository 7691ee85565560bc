namespace Orleans.Partisan.Transport;

/// <summary>
/// A <see cref="ForwardEnvelope"/> with a call header, a delivery header or both: a type of its own so that the
/// envelope of a plain forward, allocated by every send, does not grow by the headers' size.
/// </summary>
[GenerateSerializer, Alias("partisan.ForwardWithHeaders")]
internal sealed class HeadedForwardEnvelope(PartisanTarget target, object? message, bool isCast, CallHeader call, DeliveryHeader delivery)
    : ForwardEnvelope(target, message, isCast)
{
    [Id(0)]
    public CallHeader CallHeader { get; } = call;

    [Id(1)]
    public DeliveryHeader DeliveryHeader { get; } = delivery;

    /// <inheritdoc />
    public override CallHeader Call => CallHeader;

    /// <inheritdoc />
    public override DeliveryHeader Delivery => DeliveryHeader;
}
