namespace Orleans.Partisan.Fuzz;

/// <summary>One surface that reads bytes from a peer, driven as the node drives it.</summary>
internal interface IFuzzTarget
{
    /// <summary>The target's name on the command line and its corpus folder.</summary>
    string Name { get; }

    /// <summary>Valid and known-hostile inputs to start from, named.</summary>
    IEnumerable<(string Name, byte[] Input)> Seeds();

    /// <summary>Feeds <paramref name="input"/> to the surface; returns normally if it was accepted.</summary>
    /// <exception cref="Exception">A refusal: only the types <see cref="IsDocumentedRefusal"/> accepts are not findings.</exception>
    void Run(byte[] input);

    /// <summary>Whether <paramref name="exception"/> is how this surface documents refusing bad input.</summary>
    bool IsDocumentedRefusal(Exception exception);
}
