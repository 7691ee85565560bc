namespace Orleans.Partisan;

/// <summary>
/// The target of a call threw while handling it (or its reply could not be sent). Only the exception's type
/// name and message travel back, never the exception object: the caller need not be able to load or
/// deserialize the callee's exception types, and the callee's stack stays in the callee's log.
/// </summary>
[GenerateSerializer, Alias("partisan.CallHandlerException")]
public sealed class CallHandlerException : CallFailedException
{
    /// <summary>Creates the exception.</summary>
    public CallHandlerException(NodeName node, PartisanTarget target, PartisanRef call, string remoteType, string remoteMessage)
        : base(node, target, call, $"failed in its handler: {remoteType}: {remoteMessage}")
    {
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
    }

    /// <summary>The full name of the type of the exception thrown on the callee.</summary>
    [Id(0)]
    public string RemoteType { get; }

    /// <summary>The message of the exception thrown on the callee.</summary>
    [Id(1)]
    public string RemoteMessage { get; }
}
