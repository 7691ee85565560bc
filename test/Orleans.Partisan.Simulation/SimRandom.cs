namespace Orleans.Partisan.Simulation;

/// <summary>
/// A small seeded random stream (SplitMix64) that the simulator keeps per node for its own draws: a
/// sender's latencies and losses, a node's timer jitter. Per-node streams make a run independent of the
/// order in which different nodes' events are processed, and so of the number of workers.
/// </summary>
internal sealed class SimRandom
{
    private ulong _state;

    /// <summary>A stream for node <paramref name="node"/> of the run seeded <paramref name="seed"/>; <paramref name="purpose"/> tells the node's streams apart.</summary>
    public SimRandom(int seed, int node, int purpose)
        => _state = Mix(((ulong)(uint)seed << 32) ^ ((ulong)(uint)node << 4) ^ (uint)purpose);

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>) (the modulo bias is below 2^-40 for the ranges the simulator draws).</summary>
    public long NextInt64(long min, long max) => min + (long)(Next() % (ulong)(max - min));

    /// <summary>A value in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
