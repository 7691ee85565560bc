namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// DISCONNECT (§4.2, §4.3): the sender removed the receiver from its active view. The receiver removes
/// the sender from its active view too and keeps it in its passive view, or forgets it when
/// <see cref="Leaving"/>. Ignored when <see cref="Epoch"/> is older than the receiver's link to the sender.
/// </summary>
/// <param name="Sender">The node closing the link.</param>
/// <param name="Epoch">The epoch of the link being closed, as the sender knows it.</param>
/// <param name="Leaving">The sender leaves the overlay: forget it rather than keep it as passive.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.Disconnect")]
internal sealed record HyParViewDisconnect(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch,
    [property: Id(2)] bool Leaving) : IHyParViewMessage;
