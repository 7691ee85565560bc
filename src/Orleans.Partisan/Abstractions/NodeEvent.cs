namespace Orleans.Partisan;

/// <summary>Whether a node came up or went down.</summary>
public enum NodeEventKind
{
    /// <summary>The node's first connection opened (<c>nodeup</c>).</summary>
    Up,

    /// <summary>The node's last connection closed, or the node left (<c>nodedown</c>).</summary>
    Down,
}

/// <summary>Why a node went down.</summary>
public enum NodeDownReason
{
    /// <summary>The connection was lost (the node crashed, or the network failed); the overlay keeps redialling it while it is a member.</summary>
    ConnectionClosed,

    /// <summary>The node left the overlay, or was removed from it.</summary>
    Left,

    /// <summary>This node disconnected it (<see cref="IPartisan.DisconnectNodeAsync"/>).</summary>
    Disconnected,

    /// <summary>Monitoring started while the node was not connected.</summary>
    NotConnected,

    /// <summary>
    /// The node sent nothing, not even a heartbeat, for <see cref="PartisanOptions.HeartbeatTimeout"/> (it is frozen,
    /// starved or cut off while its connections stay open), so this node closed its connections (Erlang's
    /// <c>net_tick_timeout</c>); the overlay keeps redialling it while it is a member.
    /// </summary>
    HeartbeatTimeout,
}

/// <summary>A <c>nodeup</c> or <c>nodedown</c> notification.</summary>
/// <param name="Kind">Up or down.</param>
/// <param name="Node">The node.</param>
/// <param name="Reason">Why it went down; set only for <see cref="NodeEventKind.Down"/> when the subscriber asked for reasons (or for a single-node monitor).</param>
/// <param name="Observer">The node that observed it.</param>
[GenerateSerializer, Immutable, Alias("partisan.NodeEvent")]
public sealed record NodeEvent(
    [property: Id(0)] NodeEventKind Kind,
    [property: Id(1)] NodeName Node,
    [property: Id(2)] NodeDownReason? Reason,
    [property: Id(3)] NodeName Observer)
{
    /// <inheritdoc />
    public override string ToString() => Kind == NodeEventKind.Up ? $"nodeup {Node}" : $"nodedown {Node} ({Reason?.ToString() ?? "-"})";
}

/// <summary>Options of <see cref="IPartisan.MonitorNodes"/> (Partisan's <c>monitor_nodes/2</c> options).</summary>
[GenerateSerializer, Immutable, Alias("partisan.MonitorNodesOptions")]
public sealed record MonitorNodesOptions
{
    /// <summary>Whether <c>nodedown</c> events carry their <see cref="NodeEvent.Reason"/> (Partisan's <c>nodedown_reason</c>). Default false.</summary>
    [Id(0)]
    public bool IncludeReason { get; init; }
}

/// <summary>
/// Receives node events: implement it on a grain, or on a client object passed through
/// <c>IGrainFactory.CreateObjectReference</c>, and subscribe it with the node-monitor grain.
/// </summary>
public interface INodeEventObserver : IGrainObserver
{
    /// <summary>A node came up or went down.</summary>
    [Orleans.Concurrency.OneWay]
    Task OnNodeEvent(NodeEvent nodeEvent);
}
