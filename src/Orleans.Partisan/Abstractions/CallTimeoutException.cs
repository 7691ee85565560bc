namespace Orleans.Partisan;

/// <summary>A call got no reply within its timeout; a reply that arrives later is dropped and counted.</summary>
[GenerateSerializer, Alias("partisan.CallTimeoutException")]
public sealed class CallTimeoutException : CallFailedException
{
    /// <summary>Creates the exception.</summary>
    public CallTimeoutException(NodeName node, PartisanTarget target, PartisanRef call, TimeSpan timeout)
        : base(node, target, call, $"got no reply within {timeout}.")
    {
        Timeout = timeout;
    }

    /// <summary>How long the call waited.</summary>
    [Id(0)]
    public TimeSpan Timeout { get; }
}
