using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Runtime;

/// <summary>Messaging of the overlay node: forward, cast and call, local targets, and the checks every send goes through.</summary>
internal sealed partial class PartisanNode
{
    public ValueTask ForwardMessageAsync(NodeName node, PartisanTarget target, object message, ForwardOptions options = default, CancellationToken cancellationToken = default)
        => Send(node, target, message, options, isCast: false, call: default, cancellationToken);

    public ValueTask CastMessageAsync(NodeName node, PartisanTarget target, object message, ForwardOptions options = default, CancellationToken cancellationToken = default)
        => Send(node, target, message, options, isCast: true, call: default, cancellationToken);

    public Task<TResponse> CallAsync<TResponse>(NodeName node, PartisanTarget target, object request, ForwardOptions options = default, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => _calls.CallAsync<TResponse>(MakeRef(), node, target, request, options, timeout, cancellationToken);

    public IDisposable RegisterReceiver(string name, Action<ReceivedMessage> receiver) => _dispatcher.Register(name, receiver);

    public Mailbox CreateMailbox() => _dispatcher.CreateMailbox();

    public PartisanRef MakeRef() => new(Name, Interlocked.Increment(ref _nextRef));

    /// <summary>
    /// Sends <paramref name="message"/> as a forward, as a call's request (<paramref name="call"/>), or as a call's answer
    /// (a <see cref="CallAnswerTarget"/>, whose reply may be <see langword="null"/>).
    /// </summary>
    private ValueTask Send(NodeName node, PartisanTarget target, object? message, ForwardOptions options, bool isCast, CallHeader call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is not CallAnswerTarget)
        {
            ArgumentNullException.ThrowIfNull(message);
        }

        var channel = options.Channel ?? PartisanChannels.Default;
        if (!Channels.TryGetValue(channel, out var channelOptions))
        {
            throw Failed(node, UnknownChannel(channel), "unknown-channel");
        }

        if (!options.Transitive && node != Name && !_transport.IsConnected(node) && NeedsRelay(node))
        {
            // A client reaches another client through a server, transparently to the caller (and so does the answer of a call);
            // an Orleans client's node reaches every node but its gateways through them, and a silo reaches such a client through its gateway.
            options = options with { Transitive = true };
        }

        if (options.Ack || options.CausalLabel is not null)
        {
            return node == Name || options.Transitive || Driver.Members.ContainsKey(node) || _transport.IsConnected(node)
                ? _delivery.SendAsync(node, target, message!, options, isCast, call, cancellationToken)
                : throw Failed(node, new UnknownNodeException(node), "unknown-node");
        }

        if (node == Name)
        {
            _dispatcher.Deliver(Name, channel, ForwardEnvelope.Create(target, message, isCast, call));
            return ValueTask.CompletedTask;
        }

        if (options.Transitive && !_transport.IsConnected(node))
        {
            ValueTask relayed;
            try
            {
                relayed = _relay.StartAsync(node, channel, ForwardEnvelope.Create(target, message, isCast, call));
            }
            catch (PartisanException exception)
            {
                throw Failed(node, exception, exception is NodeNotConnectedException ? "not-connected" : "rejected");
            }

            return relayed.IsCompletedSuccessfully ? relayed : AwaitSendAsync(node, relayed);
        }

        if (!Driver.Members.ContainsKey(node) && !_transport.IsConnected(node))
        {
            throw Failed(node, new UnknownNodeException(node), "unknown-node");
        }

        var supersedeKey = channelOptions.Monotonic && !call.IsCall && target is not CallAnswerTarget ? (object)(target, options.PartitionKey) : null; // a call and its answer are never superseded
        ValueTask pending;
        try
        {
            pending = _transport.SendAsync(node, channel, ForwardEnvelope.Create(target, message, isCast, call), options.PartitionKey, supersedeKey, cancellationToken);
        }
        catch (NodeNotConnectedException exception)
        {
            throw Failed(node, exception, "not-connected");
        }
        catch (PartisanException exception)
        {
            throw Failed(node, exception, "rejected");
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitSendAsync(node, pending);
    }

    /// <summary>Whether a message for <paramref name="node"/>, which this node is not connected to, is relayed rather than refused.</summary>
    private bool NeedsRelay(NodeName node)
        => _settings.IsClusterClient
            || (IsClient && Driver.Members.ContainsKey(node))
            || (!Driver.Members.ContainsKey(node) && ClusterClientName.IsClient(node));

    private async ValueTask AwaitSendAsync(NodeName node, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (PartisanException exception)
        {
            throw Failed(node, exception, "rejected");
        }
    }

    private PartisanException Failed(NodeName node, PartisanException exception, string reason)
    {
        RuntimeLog.SendFailed(_logger, node, exception.Message);
        PartisanMetrics.Undeliverable.Add(1, new System.Diagnostics.TagList { { "reason", reason } });
        return exception;
    }
}
