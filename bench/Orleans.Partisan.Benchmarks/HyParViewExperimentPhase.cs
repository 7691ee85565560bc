using System.Diagnostics;
using System.Globalization;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// The cost of one phase of the HyParView experiment: wall time, bytes allocated, time the garbage
/// collector paused the process, and collections. Process-wide figures: exact only while one phase runs at a time.
/// </summary>
/// <param name="Wall">The wall time.</param>
/// <param name="Allocated">The bytes allocated by the process meanwhile.</param>
/// <param name="GcPause">The time the garbage collector paused the process meanwhile.</param>
/// <param name="Collections">The collections meanwhile (of any generation).</param>
internal readonly record struct HyParViewExperimentPhase(TimeSpan Wall, long Allocated, TimeSpan GcPause, int Collections)
{
    /// <summary>The phase's figures, for a table cell: wall time, then allocations and GC pause.</summary>
    public string Describe(long events)
        => string.Create(
            CultureInfo.InvariantCulture,
            $"{Wall.TotalSeconds:0.0} s ({Allocated / 1e6:N0} MB allocated{(events > 0 ? $", {Allocated / events:N0} B/event" : "")}; GC paused {GcPause.TotalSeconds:0.0} s in {Collections:N0} collections)");

    /// <summary>Starts measuring a phase.</summary>
    public static Meter Start() => new(Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), GC.CollectionCount(0));

    /// <summary>A phase being measured.</summary>
    internal readonly record struct Meter(long Started, long Allocated, TimeSpan GcPause, int Collections)
    {
        /// <summary>The phase's figures so far.</summary>
        public HyParViewExperimentPhase Stop()
            => new(
                Stopwatch.GetElapsedTime(Started),
                GC.GetTotalAllocatedBytes() - Allocated,
                GC.GetTotalPauseDuration() - GcPause,
                GC.CollectionCount(0) - Collections);
    }
}
