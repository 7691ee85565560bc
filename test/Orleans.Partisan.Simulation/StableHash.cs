namespace Orleans.Partisan.Simulation;

/// <summary>
/// A 64-bit FNV-1a hash that is the same in every process, unlike <c>string.GetHashCode()</c>
/// (randomized per process): the trace hash of a seed can be compared across runs and machines.
/// </summary>
internal static class StableHash
{
    /// <summary>The hash of nothing.</summary>
    public const ulong Initial = 14695981039346656037UL;

    private const ulong Prime = 1099511628211UL;

    /// <summary>Mixes <paramref name="value"/> into <paramref name="hash"/>, byte by byte.</summary>
    public static ulong Add(ulong hash, long value)
    {
        var bits = (ulong)value;
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (bits & 0xFF)) * Prime;
            bits >>= 8;
        }

        return hash;
    }

    /// <summary>The hash of <paramref name="text"/>, char by char.</summary>
    public static ulong Of(string text)
    {
        var hash = Initial;
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
            hash = (hash ^ (uint)(c >> 8)) * Prime;
        }

        return hash;
    }
}
