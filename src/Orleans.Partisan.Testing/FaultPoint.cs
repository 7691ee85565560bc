namespace Orleans.Partisan.Testing;

/// <summary>Where a fault rule acts on a message: at the sending node or at the receiving one.</summary>
/// <remarks>
/// A rule applied to every silo (<see cref="PartisanClusterFaults"/>) acts once per message either
/// way: at <see cref="Send"/> only the sender's copy of the rule matches, at <see cref="Receive"/>
/// only the receiver's. On a single silo's <see cref="PartisanFaults"/>, <see cref="Send"/> rules
/// act on what that silo sends and <see cref="Receive"/> rules on what it receives.
/// </remarks>
public enum FaultPoint
{
    /// <summary>On the sending node, before the message is queued on a connection (egress).</summary>
    Send,

    /// <summary>On the receiving node, before the message is dispatched (ingress).</summary>
    Receive,
}
