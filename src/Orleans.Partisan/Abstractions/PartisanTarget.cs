namespace Orleans.Partisan;

/// <summary>
/// Where a forwarded message goes on its node: a named receiver, a mailbox (<see cref="ProcessRef"/>)
/// or a grain. The analogue of Partisan's server ref (registered name, pid or remote ref).
/// </summary>
[GenerateSerializer, Immutable, Alias("partisan.Target")]
public abstract record PartisanTarget
{
    /// <summary>A receiver registered under <paramref name="name"/> on the destination node.</summary>
    public static PartisanTarget Named(string name) => new NamedTarget(name);

    /// <summary>A grain, reached by a grain call made on the destination node.</summary>
    /// <param name="grainId">The grain; it must implement <see cref="IPartisanMessageReceiver"/>.</param>
    public static PartisanTarget Grain(GrainId grainId) => new GrainTarget(grainId);

    /// <summary>A grain, reached by a grain call made on the destination node.</summary>
    public static PartisanTarget Grain(IPartisanMessageReceiver grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return new GrainTarget(grain.GetGrainId());
    }
}

/// <summary>A receiver registered by name on a node (Partisan's registered process name).</summary>
/// <param name="Name">The registered name.</param>
[GenerateSerializer, Immutable, Alias("partisan.NamedTarget")]
public sealed record NamedTarget([property: Id(0)] string Name) : PartisanTarget
{
    /// <inheritdoc />
    public override string ToString() => $"name:{Name}";
}

/// <summary>A grain that implements <see cref="IPartisanMessageReceiver"/>.</summary>
/// <param name="GrainId">The grain.</param>
[GenerateSerializer, Immutable, Alias("partisan.GrainTarget")]
public sealed record GrainTarget([property: Id(0)] GrainId GrainId) : PartisanTarget
{
    /// <inheritdoc />
    public override string ToString() => $"grain:{GrainId}";
}

/// <summary>
/// The address of a mailbox on a node, the analogue of an Erlang pid: it can be sent in
/// messages, and a message forwarded to it reaches that mailbox.
/// </summary>
/// <param name="Node">The node that owns the mailbox.</param>
/// <param name="Id">The mailbox's number on that node.</param>
[GenerateSerializer, Immutable, Alias("partisan.ProcessRef")]
public sealed record ProcessRef([property: Id(0)] NodeName Node, [property: Id(1)] long Id) : PartisanTarget
{
    /// <inheritdoc />
    public override string ToString() => $"<{Node}.{Id}>";
}

/// <summary>A reference unique across the overlay, the analogue of Erlang's <c>make_ref()</c>.</summary>
/// <param name="Node">The node that made it.</param>
/// <param name="Id">Its number on that node.</param>
[GenerateSerializer, Immutable, Alias("partisan.Ref")]
public readonly record struct PartisanRef([property: Id(0)] NodeName Node, [property: Id(1)] long Id)
{
    /// <inheritdoc />
    public override string ToString() => $"#Ref<{Node}.{Id}>";
}
