namespace Orleans.Partisan.Runtime;

/// <summary>
/// The callee's side of one call: answers it once, over the channel the request came on, to the node that
/// made the call's reference. Attached to the <see cref="ReceivedMessage"/> of a named receiver or a mailbox
/// (<see cref="ReceivedMessage.ReplyAsync"/>); used by the dispatcher to answer for a grain, or to say
/// the target does not exist or failed.
/// </summary>
internal sealed class CallReplier(CallTracker calls, PartisanRef call, bool transitive, string channel) : ICallReplier
{
    private int _answered;

    public PartisanRef Call => call;

    /// <summary>Sends the reply; a second reply is refused at once (thrown, not in the returned task), as a misuse.</summary>
    public ValueTask ReplyAsync(object? response, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            throw new InvalidOperationException($"Call {Call} was answered already; a call takes one reply.");
        }

        ValueTask sent;
        try
        {
            sent = calls.SendAnswerAsync(call, transitive, channel, response, failure: false, cancellationToken);
        }
        catch (Exception exception) when (exception is MessageSerializationException or MessageTooLargeException)
        {
            return NotSentAsync(exception);
        }

        return sent.IsCompletedSuccessfully ? sent : AwaitReplyAsync(sent);
    }

    private async ValueTask AwaitReplyAsync(ValueTask sent)
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is MessageSerializationException or MessageTooLargeException)
        {
            await NotSentAsync(exception).ConfigureAwait(false);
        }
    }

    /// <summary>The reply cannot be sent: the caller learns at once rather than at its timeout, and the replier gets the exception too.</summary>
    private async ValueTask NotSentAsync(Exception exception)
    {
        await calls.TrySendFailureAsync(call, transitive, channel, new CallFailed(CallFailure.HandlerFailed, exception.GetType().FullName ?? exception.GetType().Name, "the reply could not be sent: " + exception.Message)).ConfigureAwait(false);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
    }

    /// <summary>Answers that the target does not exist, unless the call was answered already.</summary>
    public void NoSuchTarget(string detail) => TryAnswer(new CallFailed(CallFailure.NoSuchTarget, "no-such-target", detail));

    /// <summary>Answers with <paramref name="exception"/>'s type and message, unless the call was answered already.</summary>
    public void HandlerFailed(Exception exception) => TryAnswer(new CallFailed(CallFailure.HandlerFailed, exception.GetType().FullName ?? exception.GetType().Name, exception.Message));

    private void TryAnswer(CallFailed failure)
    {
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            _ = calls.TrySendFailureAsync(call, transitive, channel, failure).AsTask();
        }
    }
}
