namespace Orleans.Partisan.Transport;

/// <summary>A connection was refused at the handshake (wrong cluster, wrong node, bad frame...).</summary>
internal sealed class HandshakeRefusedException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">A bounded reason word, used as the metric tag (e.g. <c>cluster_id</c>).</param>
    /// <param name="message">What happened, in words.</param>
    public HandshakeRefusedException(string reason, string message) : base(message)
    {
        Reason = reason;
    }

    /// <summary>The reason word.</summary>
    public string Reason { get; }
}
