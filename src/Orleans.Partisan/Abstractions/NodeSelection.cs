namespace Orleans.Partisan;

/// <summary>Which nodes <see cref="IPartisan.GetNodes"/> lists (Erlang's <c>nodes/1</c> argument).</summary>
public enum NodeSelection
{
    /// <summary>The nodes this node has an open connection to (<c>visible</c>; the default of <c>nodes()</c>).</summary>
    Visible,

    /// <summary>The same as <see cref="Visible"/>: the overlay has no hidden nodes (<c>connected</c>).</summary>
    Connected,

    /// <summary>This node only (<c>this</c>).</summary>
    This,

    /// <summary>The members of the overlay, this node included, connected or not (<c>known</c>).</summary>
    Known,

    /// <summary>Every node this node knows of: members and connected nodes, this node included.</summary>
    All,
}
