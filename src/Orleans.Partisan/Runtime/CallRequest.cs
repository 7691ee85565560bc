namespace Orleans.Partisan.Runtime;

/// <summary>
/// The request of a call, travelling as the message of a <c>ForwardEnvelope</c> to the call's target; the
/// destination's dispatcher unwraps it, so the target sees <see cref="Request"/> with <see cref="ReceivedMessage.IsCall"/> set.
/// </summary>
/// <param name="Call">Correlates the reply; made by the caller, so its node is where the reply goes.</param>
/// <param name="Request">The request as the caller passed it.</param>
/// <param name="Transitive">Whether the call was sent with <see cref="ForwardOptions.Transitive"/>, so the reply may be relayed too.</param>
[GenerateSerializer, Immutable, Alias("partisan.CallRequest")]
internal sealed record CallRequest(
    [property: Id(0)] PartisanRef Call,
    [property: Id(1)] object Request,
    [property: Id(2)] bool Transitive);
