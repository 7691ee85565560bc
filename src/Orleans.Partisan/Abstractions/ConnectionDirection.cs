namespace Orleans.Partisan;

/// <summary>Whether a connection was dialled by this node or accepted from a peer.</summary>
public enum ConnectionDirection
{
    /// <summary>Dialled by this node; carries this node's messages to the peer.</summary>
    Outbound,

    /// <summary>Accepted from the peer; carries the peer's messages to this node.</summary>
    Inbound,
}
