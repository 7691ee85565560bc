namespace Orleans.Partisan;

/// <summary>
/// An overlay connection was refused at the handshake: the node there belongs to another cluster,
/// is not the node that was dialled, speaks another protocol version, or does not have the channel;
/// or, with TLS on, its certificate was refused or it does not speak TLS.
/// </summary>
[GenerateSerializer, Alias("partisan.ConnectionRefusedException")]
public sealed class ConnectionRefusedException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">A bounded reason word, also the metric tag (e.g. <c>cluster_id</c>).</param>
    /// <param name="message">What happened, in words.</param>
    public ConnectionRefusedException(string reason, string message) : base(message)
    {
        Reason = reason;
    }

    /// <summary>The reason word: <c>cluster_id</c>, <c>wrong_node</c>, <c>version</c>, <c>unknown_channel</c>, <c>bad_frame</c> or <c>tls</c>.</summary>
    [Id(0)]
    public string Reason { get; }
}
