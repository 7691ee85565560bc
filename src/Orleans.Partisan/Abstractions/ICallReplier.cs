namespace Orleans.Partisan;

/// <summary>
/// The way back to the caller of one call, attached by the destination node's dispatcher to the
/// <see cref="ReceivedMessage"/> it delivers. Never serialized: a copy of the message made by serialization
/// has none.
/// </summary>
internal interface ICallReplier
{
    /// <summary>Sends <paramref name="response"/> to the caller, once.</summary>
    /// <exception cref="InvalidOperationException">The call was answered already.</exception>
    ValueTask ReplyAsync(object? response, CancellationToken cancellationToken);
}
