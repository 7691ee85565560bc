namespace Orleans.Partisan.Simulation;

/// <summary>
/// A failure found by the simulator or a checker. Its message always carries <c>seed=N</c>, so the
/// run can be replayed.
/// </summary>
internal class SimulationException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> is suffixed with the seed.</summary>
    public SimulationException(int seed, string message, Exception? inner = null)
        : base($"{message} (seed={seed})", inner)
    {
        Seed = seed;
    }

    /// <summary>The seed of the failing run.</summary>
    public int Seed { get; }
}
