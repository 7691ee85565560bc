using System.Diagnostics;
using Orleans.Partisan.Fuzz.Targets;

namespace Orleans.Partisan.Fuzz;

/// <summary>
/// Feeds inputs to a target and judges each: accepted, refused as the surface documents, or a finding (any other
/// exception, an allocation above <see cref="AllocationBound"/>, or a run longer than <see cref="SlowInput"/>).
/// </summary>
internal static class FuzzRunner
{
    /// <summary>One input may take this long before it is reported as a hang.</summary>
    public static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(1);

    /// <summary>Every target, by name.</summary>
    public static readonly IReadOnlyList<IFuzzTarget> Targets =
        [new FrameTarget(), new HelloTarget(), new WireTarget(), new TableRequestTarget(), new TableResponseTarget()];

    /// <summary>
    /// What one input may allocate: the decoders' own budget for Orleans' reading (<c>BudgetedInputStream</c>: 64 bytes
    /// per input byte; the type is compiled into both packages, so it cannot be named here), plus 4 MiB for what
    /// does not scale with the input (sessions, the type table, first-time type and codec caches).
    /// </summary>
    public static long AllocationBound(int length) => (64L * length) + (4 * 1024 * 1024);

    public static IFuzzTarget Target(string name)
        => Targets.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"No target '{name}'; targets: {string.Join(", ", Targets.Select(t => t.Name))}.");

    /// <summary>Runs <paramref name="target"/> on one input and judges it.</summary>
    public static Outcome RunOne(IFuzzTarget target, byte[] input)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        Exception? failure = null;
        try
        {
            target.Run(input);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        string? finding = null;
        if (failure is not null && !target.IsDocumentedRefusal(failure))
        {
            finding = $"undocumented {failure.GetType().FullName}: {failure}";
        }
        else if (allocated > AllocationBound(input.Length))
        {
            finding = $"allocated {allocated} bytes for {input.Length} input bytes (bound {AllocationBound(input.Length)})";
        }
        else if (elapsed > SlowInput)
        {
            finding = $"took {elapsed.TotalMilliseconds:0} ms";
        }

        return new Outcome(failure is null ? "accepted" : Describe(failure), allocated, elapsed, finding);
    }

    /// <summary>Mutates the corpus <paramref name="count"/> times (or until <paramref name="duration"/>) from <paramref name="seed"/>.</summary>
    public static FuzzReport Run(IFuzzTarget target, IReadOnlyList<byte[]> corpus, int seed, long count, int maxLength, TimeSpan duration, Action<long>? onInput = null)
    {
        var mutator = new Mutator(corpus, maxLength);
        var report = new FuzzReport(target.Name, seed);
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < count && watch.Elapsed < duration; i++)
        {
            onInput?.Invoke(i);
            var input = mutator.Next(seed, i);
            report.Add(input, RunOne(target, input), i);
        }

        report.Elapsed = watch.Elapsed;
        return report;
    }

    private static string Describe(Exception failure)
        => failure.InnerException is { } inner ? $"{failure.GetType().Name} ({inner.GetType().Name})" : failure.GetType().Name;
}

/// <summary>How one input went: accepted, or the refusal's type (and inner type); what it allocated and took; the finding, if any.</summary>
internal sealed record Outcome(string Result, long Allocated, TimeSpan Elapsed, string? Finding);

/// <summary>The totals of a run.</summary>
internal sealed class FuzzReport(string target, int seed)
{
    public string Target { get; } = target;

    public int Seed { get; } = seed;

    public long Inputs { get; private set; }

    public TimeSpan Elapsed { get; set; }

    public SortedDictionary<string, long> Results { get; } = new(StringComparer.Ordinal);

    public List<(long Iteration, byte[] Input, string Finding)> Findings { get; } = [];

    public long MaxAllocated { get; private set; }

    public int MaxAllocatedInputLength { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public void Add(byte[] input, Outcome outcome, long iteration)
    {
        Inputs++;
        Results[outcome.Result] = Results.GetValueOrDefault(outcome.Result) + 1;
        if (outcome.Allocated > MaxAllocated)
        {
            MaxAllocated = outcome.Allocated;
            MaxAllocatedInputLength = input.Length;
        }

        if (outcome.Elapsed > Slowest)
        {
            Slowest = outcome.Elapsed;
        }

        if (outcome.Finding is { } finding && Findings.Count < 100)
        {
            Findings.Add((iteration, input, finding));
        }
    }

    public override string ToString()
        => $"{Target}: {Inputs} inputs in {Elapsed.TotalSeconds:0.0} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):0} /s), seed {Seed}, "
            + $"{Findings.Count} findings, max allocation {MaxAllocated} B (input {MaxAllocatedInputLength} B), slowest {Slowest.TotalMilliseconds:0.0} ms; "
            + string.Join(", ", Results.Select(r => $"{r.Key} {r.Value}"));
}
