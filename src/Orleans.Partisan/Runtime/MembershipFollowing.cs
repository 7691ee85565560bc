namespace Orleans.Partisan.Runtime;

/// <summary>How a node follows an outside membership source (Orleans' cluster membership), by peer service.</summary>
internal enum MembershipFollowing
{
    /// <summary>Not at all: the static peer service's members are its list.</summary>
    None,

    /// <summary>Join every active member and remove the dead (a full mesh, a client-server server).</summary>
    EveryMember,

    /// <summary>Join through one contact while alone, and remove the dead (HyParView).</summary>
    OneContact,

    /// <summary>Join no one, and remove the dead (a client-server client, which the servers reach).</summary>
    RemovalsOnly,
}
