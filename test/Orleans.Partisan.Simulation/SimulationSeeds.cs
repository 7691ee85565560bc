namespace Orleans.Partisan.Simulation;

/// <summary>
/// Seeds for simulation tests: a test runs with a fixed seed, or with the one in
/// <see cref="ReplayVariable"/> to replay a failure; a failure names its seed.
/// </summary>
internal static class SimulationSeeds
{
    /// <summary>The environment variable that replaces every test's seed, to replay a failed run.</summary>
    public const string ReplayVariable = "PARTISAN_SIM_SEED";

    /// <summary><see cref="ReplayVariable"/> if it is set, else <paramref name="seed"/>.</summary>
    public static int Pick(int seed)
        => int.TryParse(Environment.GetEnvironmentVariable(ReplayVariable), out var replay) ? replay : seed;

    /// <summary>
    /// Runs <paramref name="body"/> with <paramref name="seed"/> (or the replay seed), logging it; a failure
    /// is logged with the way to replay it and rethrown carrying <c>seed=N</c>.
    /// </summary>
    public static void Run(int seed, Action<string> log, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(body);
        seed = Pick(seed);
        log($"seed={seed}");
        try
        {
            body(seed);
        }
        catch (Exception exception)
        {
            log($"FAILED with seed={seed}; replay it with {ReplayVariable}={seed}");
            if (exception is SimulationException)
            {
                throw;
            }

            throw new SimulationException(seed, $"{exception.GetType().Name}: {exception.Message}", exception);
        }
    }
}
