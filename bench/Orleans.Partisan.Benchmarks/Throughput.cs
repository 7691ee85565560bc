using System.Diagnostics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>The result of a throughput measurement: the median of its timed runs.</summary>
/// <param name="CpuMicrosecondsPerMessage">
/// The process's CPU time (all threads, user and system) per message, median of the runs: what the
/// run cost, which other processes on the machine disturb far less than the rate.
/// </param>
internal sealed record Rate(double MessagesPerSecond, double PayloadMegabytesPerSecond, long MessagesPerRun, double[] AllRates, double CpuMicrosecondsPerMessage)
{
    public static readonly Rate Missing = new(double.NaN, double.NaN, 0, [], double.NaN);

    public int Runs => AllRates.Length;

    public string Spread => AllRates.Length == 0 ? "n/a" : $"{Report.Count(AllRates.Min())}..{Report.Count(AllRates.Max())} msg/s";
}

/// <summary>One system under measurement: how to send n messages, and where they are counted.</summary>
/// <param name="Name">Its name in the output.</param>
/// <param name="Counter">Counts arrivals at the receiver.</param>
/// <param name="SendAll">Sends n messages, awaiting each send.</param>
/// <param name="WarmupMessages">Messages in each of the two warm-up runs.</param>
/// <param name="OtherProcessCpu">
/// For a contender whose receiver runs in another process: that process's CPU time so far, added to this one's.
/// </param>
internal sealed record Contender(string Name, ArrivalCounter Counter, Func<long, Task> SendAll, long WarmupMessages, Func<TimeSpan>? OtherProcessCpu = null);

/// <summary>
/// Measures one-way throughput the same way for every system: <c>SendAll(n)</c> sends n messages
/// (awaiting each send), the receiver counts; the time is from the first send to the n-th arrival.
/// </summary>
internal static class Throughput
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Print every run (with its garbage collections), not only the medians.</summary>
    public static bool Verbose { get; set; }

    /// <summary>
    /// Warm-up runs per contender for <paramref name="warmupSeconds"/> (the last sizes the timed runs to
    /// about <paramref name="secondsPerRun"/>), then <paramref name="runs"/> rounds in which every contender
    /// runs once, in turn, so that all see the same machine; each result is the median of its runs.
    /// </summary>
    public static async Task<Dictionary<string, Rate>> CompareAsync(
        IReadOnlyList<Contender> contenders,
        int payloadSize,
        double warmupSeconds,
        double secondsPerRun,
        int runs,
        long maxMessages)
    {
        var messages = new Dictionary<string, long>();
        var rates = new Dictionary<string, List<double>>();
        var cpu = new Dictionary<string, List<double>>();
        foreach (var contender in contenders)
        {
            try
            {
                // Warm up until the JIT has settled (tiered compilation with dynamic PGO takes a few
                // seconds of steady traffic on two cores): runs of WarmupMessages for warmupSeconds;
                // the last one sizes the timed runs.
                var warming = Stopwatch.StartNew();
                double calibration;
                var warmups = 0;
                do
                {
                    (calibration, _) = await RunOnceAsync(contender, contender.WarmupMessages);
                    warmups++;
                }
                while (warmups < 2 || warming.Elapsed.TotalSeconds < warmupSeconds);

                messages[contender.Name] = (long)Math.Clamp(calibration * secondsPerRun, contender.WarmupMessages, maxMessages);
                rates[contender.Name] = [];
                cpu[contender.Name] = [];
                if (Verbose)
                {
                    Console.Out.WriteLine($">   {contender.Name} {payloadSize} B: {warmups} warm-up runs in {warming.Elapsed.TotalSeconds:0.0} s, last {Report.Count(calibration)} msg/s");
                }
            }
            catch (BenchmarkTimeoutException exception)
            {
                Console.Out.WriteLine($"> {contender.Name} {payloadSize} B: warm-up FAILED: {exception.Message}");
            }
        }

        for (var round = 0; round < runs; round++)
        {
            foreach (var contender in contenders)
            {
                if (!rates.TryGetValue(contender.Name, out var list))
                {
                    continue;
                }

                try
                {
                    var gc = GcActivity.Start();
                    var (rate, cpuPerMessage) = await RunOnceAsync(contender, messages[contender.Name]);
                    list.Add(rate);
                    cpu[contender.Name].Add(cpuPerMessage);
                    if (Verbose)
                    {
                        Console.Out.WriteLine($">   {contender.Name} {payloadSize} B run {round + 1}: {Report.Count(rate)} msg/s, CPU {Report.Fixed(cpuPerMessage, 2)} µs/msg, {gc.Stop()}");
                    }
                }
                catch (BenchmarkTimeoutException exception)
                {
                    Console.Out.WriteLine($"> {contender.Name} {payloadSize} B: run FAILED: {exception.Message}");
                    rates.Remove(contender.Name);
                }
            }
        }

        var results = new Dictionary<string, Rate>();
        foreach (var contender in contenders)
        {
            if (!rates.TryGetValue(contender.Name, out var list) || list.Count == 0)
            {
                results[contender.Name] = Rate.Missing;
                continue;
            }

            var median = list.Order().ElementAt(list.Count / 2);
            var cpuMedian = cpu[contender.Name].Order().ElementAt(list.Count / 2);
            var rate = new Rate(median, median * payloadSize / 1e6, messages[contender.Name], [.. list], cpuMedian);
            results[contender.Name] = rate;
            Console.Out.WriteLine($"> {contender.Name} {payloadSize} B: {Report.Count(median)} msg/s ({Report.Fixed(rate.PayloadMegabytesPerSecond)} MB/s payload), CPU {Report.Fixed(cpuMedian, 2)} µs/msg, median of {rate.Runs} runs of {Report.Count(rate.MessagesPerRun)} messages, spread {rate.Spread}");
        }

        return results;
    }

    private static async Task<(double Rate, double CpuMicrosecondsPerMessage)> RunOnceAsync(Contender contender, long messages)
    {
        var counter = contender.Counter;
        counter.Arm(messages);
        var cpuBefore = Environment.CpuUsage.TotalTime + (contender.OtherProcessCpu?.Invoke() ?? TimeSpan.Zero);
        var start = Stopwatch.GetTimestamp();
        var sending = Task.Run(() => contender.SendAll(messages));
        long end;
        try
        {
            end = await counter.WaitAsync(RunTimeout);
        }
        finally
        {
            counter.Disarm();
        }

        try
        {
            await sending.WaitAsync(RunTimeout);
        }
        catch (TimeoutException)
        {
            throw new BenchmarkTimeoutException("the sender did not finish");
        }

        var cpuTime = Environment.CpuUsage.TotalTime + (contender.OtherProcessCpu?.Invoke() ?? TimeSpan.Zero) - cpuBefore;
        return (messages / Stopwatch.GetElapsedTime(start, end).TotalSeconds, cpuTime.TotalMicroseconds / messages);
    }
}
