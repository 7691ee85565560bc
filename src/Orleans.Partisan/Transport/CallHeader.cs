namespace Orleans.Partisan.Transport;

/// <summary>
/// What makes a forwarded message the request of a call: the call's number on the caller's node, and whether the
/// call was transitive (so its answer may be relayed too). The caller's node is the node the message comes from,
/// whichever way it came (straight, relayed or retransmitted), so it never travels. <c>default</c>: not a call.
/// </summary>
/// <param name="Id">The call's number (its reference's id, more than zero), or 0 for a message that is no call.</param>
/// <param name="Transitive">Whether the call was sent with <see cref="ForwardOptions.Transitive"/>.</param>
/// <param name="Trace">The caller's recorded span, which the callee's span is a child of; <see langword="null"/> when none is recorded.</param>
[GenerateSerializer, Immutable, Alias("partisan.CallHeader")]
internal readonly record struct CallHeader([property: Id(0)] long Id, [property: Id(1)] bool Transitive, [property: Id(2)] TraceContext? Trace = null)
{
    /// <summary>Whether the message is the request of a call.</summary>
    public bool IsCall => Id != 0;
}
