using System.Diagnostics;
using System.Globalization;
using Orleans.Partisan.Protocols.Broadcast;
using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The simulator at scale (issue 14): N HyParView nodes join, then R rounds run with Plumtree beside
/// HyParView, one broadcast from a random live node at the start of each round. Prints the cost of the
/// two phases (wall time, events, bytes allocated and per event, GC pause), the peak working set and the
/// live heap per simulated node, and the trace hash, which is the same for the same seed in every run.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- scale [--nodes 10000] [--rounds 100] [--seed 2007] [--workers 2] [--allocations] [--events] [--gen0-budget 128]</c>;
/// <c>--workers W</c> runs the simulator's parallel loop on W workers (<see cref="SimulationOptions.Workers"/>; the run is the same with any W;
/// default <see cref="DefaultWorkers"/>);
/// <c>--gen0-budget MB</c> runs it in a child process whose gen0 budget is that size (<see cref="GcBudgetChild"/>; 0: here, with the runtime's default);
/// <c>--allocations</c> adds the bytes allocated by type, sampled (<see cref="AllocationSampler"/>);
/// <c>--events</c> the traced events of each phase by kind and message type (<see cref="EventMix"/>).
/// A round is one shuffle interval of virtual time (<see cref="HyParViewExperimentOverlay.Round"/>).
/// </remarks>
internal static class ScaleExperiment
{
    /// <summary>The gen0 budget the experiment runs with unless <c>--gen0-budget</c> says otherwise (<see cref="GcBudgetChild"/>).</summary>
    public const int DefaultGen0BudgetMegabytes = 128;

    /// <summary>
    /// The workers the experiment runs with unless <c>--workers</c> says otherwise: two, or one on a single core. Two was
    /// measured on 2 cores (docs/benchmarks.md, "Seventh step"); more were not measured.
    /// </summary>
    public static int DefaultWorkers => Math.Min(2, Environment.ProcessorCount);

    /// <summary>
    /// Runs the experiment with the settings in <paramref name="args"/> and prints its figures: in a child process with a
    /// gen0 budget of <c>--gen0-budget MB</c> (default <see cref="DefaultGen0BudgetMegabytes"/>), or here with <c>--gen0-budget 0</c>.
    /// </summary>
    public static void Run(IReadOnlyList<string> args, TextWriter output)
    {
        if (GcBudgetChild.Requested(args, DefaultGen0BudgetMegabytes) is > 0 and var megabytes)
        {
            output.Flush();
            GcBudgetChild.Run(args, megabytes);
            return;
        }

        RunHere(args, output);
    }

    private static void RunHere(IReadOnlyList<string> args, TextWriter output)
    {
        var nodes = Option(args, "--nodes", 10_000, min: 10);
        var rounds = Option(args, "--rounds", 100, min: 1);
        var seed = Option(args, "--seed", 2007, min: int.MinValue);
        var workers = Option(args, "--workers", DefaultWorkers, min: 1);
        var overlay = new HyParViewExperimentSettings { Nodes = nodes, Seed = seed, Workers = workers };
        using var sampler = args.Contains("--allocations") ? new AllocationSampler() : null;
        var mix = args.Contains("--events") ? new EventMix() : null;
        var machine = MachineLoad.Start();
        var wall = Stopwatch.StartNew();
        var cpu = Environment.CpuUsage.TotalTime;
        output.WriteLine(Invariant($"scale: {nodes:N0} nodes, {rounds} rounds, seed {seed}, {workers} worker(s); load average at start {MachineLoad.LoadAverage()}"));
        output.WriteLine(Invariant($"runtime: {GcBudgetChild.Describe()}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC"));

        var meter = HyParViewExperimentPhase.Start();
        var sim = HyParViewExperimentOverlay.Create(overlay);
        mix?.Attach(sim);
        HyParViewExperimentOverlay.JoinAll(sim, overlay);
        var joined = meter.Stop();
        var joinEvents = sim.Steps;
        output.WriteLine(Invariant($"joins:  {joinEvents:N0} events, {joined.Describe(joinEvents)}"));
        if (mix is not null)
        {
            WriteMix(output, mix, "joins", nodes, rounds: 1);
            mix.Clear();
        }

        meter = HyParViewExperimentPhase.Start();
        var plumtree = sim.AddBroadcast("plumtree", static (name, random) => new PlumtreeCore(name, PlumtreeExperimentRun.Options, random), exchanges: false);
        var pick = new Random(unchecked((seed * 1_000_003) + 0x5CA1E));
        var records = new List<BroadcastRecord>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            var root = pick.Next(sim.Count);
            if (sim[root].Alive)
            {
                records.Add(sim.Broadcast(root, plumtree));
            }

            sim.RunFor(HyParViewExperimentOverlay.Round);
        }

        var ran = meter.Stop();
        var roundEvents = sim.Steps - joinEvents;
        output.WriteLine(Invariant($"rounds: {roundEvents:N0} events, {ran.Describe(roundEvents)}"));
        if (mix is not null)
        {
            WriteMix(output, mix, "rounds", nodes, rounds);
        }

        var reliability = records.Average(r => r.Reliability(sim));
        var complete = records.Count(r => r.Reliability(sim) >= 1);
        var rmr = records.Skip(records.Count / 2).Average(r => r.Rmr);
        var hop = records.Average(r => r.LastDeliveryHop);
        output.WriteLine(Invariant($"broadcasts: {records.Count}, {complete} reached every live node, mean reliability {100 * reliability:0.00} %, RMR (second half) {rmr:0.000}, last delivery hop {hop:0.0}"));

        var total = wall.Elapsed;
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(sim);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var (self, others, stolen) = machine?.Stop() ?? (double.NaN, double.NaN, double.NaN);
        var cpuTime = Environment.CpuUsage.TotalTime - cpu;
        output.WriteLine(Invariant($"total: {total.TotalSeconds:0.0} s wall, {cpuTime.TotalSeconds:0.0} s CPU of this process, {sim.Steps:N0} events ({sim.Steps / total.TotalSeconds:N0} events/s), {(joined.Allocated + ran.Allocated) / 1e6:N0} MB allocated, GC paused {(joined.GcPause + ran.GcPause).TotalSeconds:0.0} s"));
        output.WriteLine(Invariant($"loop: {workers} worker(s), {sim.Windows:N0} windows ({(double)sim.Steps / Math.Max(1, sim.Windows):0.0} events per window; critical path {sim.CriticalPathEvents:N0} events, a bound of {(double)sim.Steps / Math.Max(1, sim.CriticalPathEvents):0.00}x), worker 0 waited {sim.BarrierWait.TotalSeconds:0.0} s at barriers, the other workers {sim.WorkerWait.TotalSeconds:0.0} s for windows"));
        output.WriteLine(Invariant($"memory: peak working set {peak / 1e6:N0} MB; live heap {heap / 1e6:N0} MB, {heap / nodes:N0} B per node"));
        output.WriteLine(Invariant($"machine: CPU used by this run {self:0} %, by other processes {others:0} % (of {Environment.ProcessorCount} cores), {MachineLoad.Describe(stolen)}; load average at end {MachineLoad.LoadAverage()}"));
        output.WriteLine(Invariant($"trace hash: {sim.TraceHash:x16} (same seed, same hash)"));
        if (sampler is not null)
        {
            var sampled = Math.Max(1, sampler.Total);
            output.WriteLine("allocations by type (sampled every ~100 KB):");
            foreach (var (type, bytes) in sampler.Top(25))
            {
                output.WriteLine(Invariant($"  {100.0 * bytes / sampled,5:0.0} %  {type}"));
            }
        }
    }

    private static void WriteMix(TextWriter output, EventMix mix, string phase, int nodes, int rounds)
    {
        output.WriteLine(Invariant($"traced events of the {phase} by kind and type ({mix.Total:N0}; per node and round):"));
        foreach (var (kind, type, count) in mix.Largest())
        {
            output.WriteLine(Invariant($"  {count,12:N0}  {(double)count / nodes / rounds,6:0.00}  {kind} {type}"));
        }
    }

    private static int Option(IReadOnlyList<string> args, string name, int fallback, int min)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                var value = int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw new ArgumentException($"{name} needs a whole number.");
                return value >= min ? value : throw new ArgumentException($"{name} must be at least {min} (was {value}).");
            }
        }

        return fallback;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
