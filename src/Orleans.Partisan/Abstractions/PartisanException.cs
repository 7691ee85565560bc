namespace Orleans.Partisan;

/// <summary>The base of every error the overlay reports.</summary>
[GenerateSerializer, Alias("partisan.PartisanException")]
public class PartisanException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PartisanException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PartisanException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}

/// <summary>A channel name that is not configured on this node was used.</summary>
[GenerateSerializer, Alias("partisan.UnknownChannelException")]
public sealed class UnknownChannelException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="channel">The unknown channel.</param>
    /// <param name="known">The channels that are configured.</param>
    public UnknownChannelException(string channel, IEnumerable<string> known)
        : base($"Unknown channel '{channel}'. Configured channels: {string.Join(", ", known)}.")
    {
        Channel = channel;
    }

    /// <summary>The unknown channel.</summary>
    [Id(0)]
    public string Channel { get; }
}

/// <summary>A message was addressed to a node that is not a member of the overlay.</summary>
[GenerateSerializer, Alias("partisan.UnknownNodeException")]
public sealed class UnknownNodeException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public UnknownNodeException(NodeName node)
        : base($"Node '{node}' is not a member of the overlay.")
    {
        Node = node;
    }

    /// <summary>The unknown node.</summary>
    [Id(0)]
    public NodeName Node { get; }
}

/// <summary>A message was addressed to a member that has no open connection at the moment.</summary>
[GenerateSerializer, Alias("partisan.NodeNotConnectedException")]
public sealed class NodeNotConnectedException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public NodeNotConnectedException(NodeName node, string channel)
        : base($"Node '{node}' has no open connection on channel '{channel}' (nor on the default channel).")
    {
        Node = node;
        Channel = channel;
    }

    /// <summary>The node.</summary>
    [Id(0)]
    public NodeName Node { get; }

    /// <summary>The channel that was asked for.</summary>
    [Id(1)]
    public string Channel { get; }
}

/// <summary>A message serialized to more bytes than the maximum frame size allows.</summary>
[GenerateSerializer, Alias("partisan.MessageTooLargeException")]
public sealed class MessageTooLargeException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(long size, int maximum)
        : base($"The message serialized to {size} bytes, more than the maximum frame size of {maximum} bytes (PartisanOptions.MaxFrameSize).")
    {
        Size = size;
        Maximum = maximum;
    }

    /// <summary>The serialized size.</summary>
    [Id(0)]
    public long Size { get; }

    /// <summary>The maximum frame size.</summary>
    [Id(1)]
    public int Maximum { get; }
}

/// <summary>A message could not be serialized; nothing was sent.</summary>
[GenerateSerializer, Alias("partisan.MessageSerializationException")]
public sealed class MessageSerializationException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public MessageSerializationException(Type messageType, Exception innerException)
        : base($"A message of type '{messageType}' could not be serialized: {innerException.Message} Mark it [GenerateSerializer] (with [Id] on its members).", innerException)
    {
    }
}
