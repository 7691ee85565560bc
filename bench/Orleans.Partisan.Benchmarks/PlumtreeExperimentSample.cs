using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The figures of one protocol's broadcasts in one phase: reliability (the fraction of live nodes that
/// delivered, when counted), RMR m/(n-1) - 1, last delivery hop, payload messages, and the control
/// messages the protocol sent during the phase, per broadcast.
/// </summary>
internal sealed record PlumtreeExperimentSample(
    string Protocol,
    int Broadcasts,
    double ReliabilityMean,
    double ReliabilityMin,
    int Complete,
    double RmrMean,
    double LastHopMean,
    int LastHopMax,
    double PayloadPerBroadcast,
    double ControlPerBroadcast)
{
    /// <summary>The figures of <paramref name="records"/> counted now in <paramref name="sim"/>; <paramref name="control"/> is the control messages sent meanwhile.</summary>
    public static PlumtreeExperimentSample Of(string protocol, IReadOnlyList<BroadcastRecord> records, Simulator sim, long control)
    {
        if (records.Count == 0)
        {
            return new PlumtreeExperimentSample(protocol, 0, double.NaN, double.NaN, 0, double.NaN, double.NaN, 0, double.NaN, double.NaN);
        }

        double reliability = 0, min = 1, rmr = 0, hops = 0, payload = 0;
        int complete = 0, maxHop = 0;
        foreach (var record in records)
        {
            var r = record.Reliability(sim);
            reliability += r;
            min = Math.Min(min, r);
            complete += r >= 1 ? 1 : 0;
            rmr += record.Rmr;
            hops += record.LastDeliveryHop;
            maxHop = Math.Max(maxHop, record.LastDeliveryHop);
            payload += record.PayloadMessages;
        }

        var n = records.Count;
        return new PlumtreeExperimentSample(protocol, n, reliability / n, min, complete, rmr / n, hops / n, maxHop, payload / n, control / (double)n);
    }
}
