namespace Orleans.Partisan.Protocols.ClientServer;

/// <summary>A member of the client-server overlay: its node spec and the role it announced for itself.</summary>
[GenerateSerializer, Immutable, Alias("partisan.clientserver.Member")]
internal sealed record ClientServerMember([property: Id(0)] NodeSpec Spec, [property: Id(1)] PartisanNodeRole Role)
{
    /// <summary>The member's name.</summary>
    public NodeName Name => Spec.Name;
}
