namespace Orleans.Partisan.Protocols.Static;

/// <summary>One listed endpoint of the static overlay and what <see cref="StaticCore"/> knows of it.</summary>
/// <param name="endpoint">The endpoint, as <c>IPEndPoint.ToString</c> writes it.</param>
internal sealed class StaticSlot(string endpoint)
{
    /// <summary>The endpoint, as <c>IPEndPoint.ToString</c> writes it.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>The node last found there; <see langword="null"/> until one is found, and after it left.</summary>
    public NodeSpec? Node { get; set; }

    /// <summary>Whether the connection to <see cref="Node"/> is up.</summary>
    public bool Up { get; set; }

    /// <summary>Whether a probe is under way.</summary>
    public bool Probing { get; set; }

    /// <summary>Failed attempts since the connection was last up: the exponent of the backoff.</summary>
    public int Failures { get; set; }
}
