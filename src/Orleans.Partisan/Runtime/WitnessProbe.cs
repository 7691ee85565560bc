using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// Asks another node, over the overlay, to dial a third one afresh: the failure detector's witnesses.
/// Every node answers such questions on the receiver <see cref="ReceiverName"/>.
/// </summary>
/// <remarks>
/// The question and the answer travel as overlay messages (transitively where the two nodes are not
/// neighbours), so asking a witness depends on nothing but the overlay: not on grain calls, whose
/// directory entries may have lived on the very silo that is suspected.
/// </remarks>
internal sealed class WitnessProbe : IDisposable
{
    /// <summary>The receiver every node answers on; reserved.</summary>
    public const string ReceiverName = "partisan.witness";

    /// <summary>The longest dial a witness makes for one question, whatever the asker asked.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);

    private static readonly PartisanTarget Receiver = PartisanTarget.Named(ReceiverName);
    private static readonly ForwardOptions Options = new() { Transitive = true };

    private readonly PartisanNode _node;
    private readonly ILogger _logger;
    private readonly IDisposable _registration;

    public WitnessProbe(PartisanNode node, ILogger logger)
    {
        _node = node;
        _logger = logger;
        _registration = node.RegisterReceiver(ReceiverName, OnQuestion);
    }

    /// <summary>
    /// Whether <paramref name="witness"/> reaches <paramref name="target"/> with a fresh dial bounded by
    /// <paramref name="timeout"/>. Throws when the question cannot be sent; waits for the answer until
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<bool> AskAsync(NodeName witness, NodeSpec target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var mailbox = _node.CreateMailbox();
        await _node.ForwardMessageAsync(witness, Receiver, new WitnessQuestion(target, timeout, mailbox.Self), Options, cancellationToken).ConfigureAwait(false);
        var reply = await mailbox.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        return reply.Message is WitnessAnswer answer
            ? answer.Reachable
            : throw new InvalidDataException($"Witness {witness} answered with a {reply.Message.GetType().Name}.");
    }

    public void Dispose() => _registration.Dispose();

    private void OnQuestion(ReceivedMessage message)
    {
        if (message.Message is WitnessQuestion question)
        {
            _ = AnswerAsync(message.From, question);
        }
        else
        {
            RuntimeLog.UnknownMessage(_logger, message.Message.GetType().FullName ?? "?", message.From);
        }
    }

    private async Task AnswerAsync(NodeName asker, WitnessQuestion question)
    {
        try
        {
            var timeout = question.Timeout <= TimeSpan.Zero || question.Timeout > MaxTimeout ? MaxTimeout : question.Timeout;
            var reachable = await _node.ProbeAsync(question.Target, timeout, CancellationToken.None).ConfigureAwait(false) == ProbeOutcome.Reached;
            await _node.ForwardMessageAsync(question.ReplyTo.Node, question.ReplyTo, new WitnessAnswer(reachable), Options).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            RuntimeLog.WitnessAnswerFailed(_logger, exception, asker, question.Target.Name);
        }
    }
}
