namespace Orleans.Partisan;

/// <summary>A message as a receiver gets it.</summary>
/// <param name="From">The node that sent it.</param>
/// <param name="Channel">The channel it came on.</param>
/// <param name="Message">The message.</param>
/// <param name="IsCast">Whether it was sent with <see cref="IPartisan.CastMessageAsync(NodeName, PartisanTarget, object, ForwardOptions, CancellationToken)"/> (or its <see cref="ProcessRef"/> overload).</param>
[GenerateSerializer, Immutable, Alias("partisan.ReceivedMessage")]
public sealed record ReceivedMessage(
    [property: Id(0)] NodeName From,
    [property: Id(1)] string Channel,
    [property: Id(2)] object Message,
    [property: Id(3)] bool IsCast);
