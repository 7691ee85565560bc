using System.Diagnostics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// A closed-loop load: <c>concurrency</c> callers, each making one call after another for a while. Calls per
/// second over the whole time, and the latency of every call.
/// </summary>
internal sealed record Load(double CallsPerSecond, LatencySamples Latency)
{
    /// <summary>
    /// Runs <paramref name="call"/> from <paramref name="concurrency"/> callers for <paramref name="duration"/>. A
    /// <see cref="ValueTask"/>, so that a call that returns one is awaited as it is (a task is wrapped for free).
    /// </summary>
    public static async Task<Load> RunAsync(Func<ValueTask> call, int concurrency, TimeSpan duration)
    {
        var gc = GcActivity.Start();
        var watch = Stopwatch.StartNew();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var samples = new List<double>();
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                await call();
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            return samples;
        })).ToArray();
        var all = (await Task.WhenAll(callers)).SelectMany(s => s).ToArray();
        var seconds = watch.Elapsed.TotalSeconds;
        return new Load(all.Length / seconds, new LatencySamples(all, seconds, gc.Stop()));
    }

    /// <summary>Several rounds as one: the median round's rate, every round's latencies.</summary>
    public static Load Combine(IReadOnlyList<Load> rounds) => new(
        rounds.Select(r => r.CallsPerSecond).Order().ElementAt(rounds.Count / 2),
        LatencySamples.Combine([.. rounds.Select(r => r.Latency)]));
}
