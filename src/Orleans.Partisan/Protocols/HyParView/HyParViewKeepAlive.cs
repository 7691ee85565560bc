namespace Orleans.Partisan.Protocols.HyParView;

/// <summary>
/// Sent every shuffle interval over an active link that carried nothing else since the last one. Not
/// in the paper, whose symmetric TCP connection tells both ends when a link is gone (§4.1); here each
/// direction is its own connection and a DISCONNECT can be lost, so a node that receives this over a
/// link it does not have answers with a DISCONNECT, and the views become symmetric again.
/// Needs an active link from the sender.
/// </summary>
/// <param name="Sender">The sending neighbour.</param>
/// <param name="Epoch">The epoch of the link.</param>
[GenerateSerializer, Immutable, Alias("partisan.hyparview.KeepAlive")]
internal sealed record HyParViewKeepAlive(
    [property: Id(0)] NodeSpec Sender,
    [property: Id(1)] long Epoch) : IHyParViewMessage;
