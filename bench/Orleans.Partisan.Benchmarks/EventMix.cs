using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Counts a simulation's traced steps by kind and by the message's (or timer's) type, for the scale
/// experiment's <c>--events</c>: which events a run is made of. Steps that reach no core (a message
/// to a dead node, a stale timer) are not traced and not counted here.
/// </summary>
internal sealed class EventMix
{
    private readonly Dictionary<(TraceKind Kind, Type? Type), long> _counts = [];

    /// <summary>Counts every traced step of <paramref name="sim"/> from now on.</summary>
    public void Attach(Simulator sim) => sim.OnTrace = Count;

    /// <summary>Forgets what was counted (to count one phase only).</summary>
    public void Clear() => _counts.Clear();

    /// <summary>The counts, largest first, as (kind, type name, count).</summary>
    public IEnumerable<(TraceKind Kind, string Type, long Count)> Largest()
        => _counts
            .OrderByDescending(entry => entry.Value)
            .Select(entry => (entry.Key.Kind, entry.Key.Type?.Name ?? "-", entry.Value));

    /// <summary>Every step counted.</summary>
    public long Total => _counts.Values.Sum();

    private void Count(TraceEntry entry)
    {
        var payload = entry.Payload is BroadcastEnvelope envelope ? envelope.Message : entry.Payload;
        var key = (entry.Kind, payload?.GetType());
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
    }
}
