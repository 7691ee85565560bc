namespace Orleans.Partisan.Dashboard;

/// <summary>One silo's overlay as the page shows it; <see cref="Error"/> set when it could not be read.</summary>
/// <param name="Node">The silo's overlay node name.</param>
/// <param name="Label">A short name for the graph: the silo's endpoint.</param>
/// <param name="Silo">The silo address.</param>
/// <param name="Active">The active view.</param>
/// <param name="Passive">The passive view.</param>
/// <param name="Members">The nodes the silo knows (<see cref="NodeSelection.Known"/>), itself included.</param>
/// <param name="Channels">The silo's channels with their lanes.</param>
/// <param name="Connections">The silo's open connections.</param>
/// <param name="Trees">The silo's links in each broadcast tree it knows.</param>
/// <param name="Error">Why the silo's state is missing, or <see langword="null"/>.</param>
internal sealed record SiloState(
    string Node,
    string Label,
    string Silo,
    IReadOnlyList<string> Active,
    IReadOnlyList<string> Passive,
    IReadOnlyList<string> Members,
    IReadOnlyList<ChannelState> Channels,
    IReadOnlyList<ConnectionState> Connections,
    IReadOnlyList<TreeState> Trees,
    string? Error);
