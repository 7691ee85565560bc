namespace Orleans.Partisan.Simulation;

/// <summary>An invariant of the overlay did not hold; the message lists the violations.</summary>
internal sealed class InvariantViolationException(int seed, string message) : SimulationException(seed, message);
