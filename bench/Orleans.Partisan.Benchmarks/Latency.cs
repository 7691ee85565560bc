using System.Diagnostics;

namespace Orleans.Partisan.Benchmarks;

/// <summary>Round-trip latency samples in microseconds.</summary>
internal sealed record LatencySamples(double[] Microseconds, double Seconds, GcActivity Gc)
{
    public static readonly LatencySamples Missing = new([], 0, GcActivity.None);

    /// <summary>All samples of several measurements of the same situation, as one.</summary>
    public static LatencySamples Combine(IReadOnlyCollection<LatencySamples> parts) => new(
        [.. parts.SelectMany(p => p.Microseconds)],
        parts.Sum(p => p.Seconds),
        parts.Aggregate(GcActivity.None, (sum, p) => sum + p.Gc));

    public int Count => Microseconds.Length;

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Max => Count == 0 ? double.NaN : Microseconds.Max();

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var sorted = Microseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Head-of-line blocking: a 64 B ping from a to b's "echo" receiver, which forwards it back to a's
/// "pong" receiver; one outstanding at a time, with a pause between round trips (Task.Delay(1): one
/// timer tick, 1 to 4 ms depending on the OS) so that the samples are spread over many 8 MiB messages
/// and the bulk stream keeps flowing; the time is from the send call to the reply's arrival at "pong"
/// (both Stopwatch timestamps).
/// </summary>
internal sealed class PingPong
{
    private readonly OverlayPair _pair;
    private readonly PartisanTarget _echo = PartisanTarget.Named("echo");
    private readonly Payload _ping = Payload.OfSize(64);
    private TaskCompletionSource<long>? _pending;

    public PingPong(OverlayPair pair)
    {
        _pair = pair;
        var pong = PartisanTarget.Named("pong");
        var a = pair.A.Name;
        pair.B.RegisterReceiver("echo", m => Background.Forget(pair.B.ForwardMessageAsync(a, pong, m.Message)));
        pair.A.RegisterReceiver("pong", _ =>
        {
            var end = Stopwatch.GetTimestamp();
            Volatile.Read(ref _pending)?.TrySetResult(end);
        });
    }

    /// <summary>Up to <paramref name="samples"/> round trips, stopping early after <paramref name="budget"/>.</summary>
    public async Task<LatencySamples> SampleAsync(int samples, TimeSpan budget, bool paced = true)
    {
        var results = new List<double>(samples);
        var gc = GcActivity.Start();
        var watch = Stopwatch.StartNew();
        while (results.Count < samples && watch.Elapsed < budget)
        {
            var pending = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _pending, pending);
            var start = Stopwatch.GetTimestamp();
            await _pair.A.ForwardMessageAsync(_pair.B.Name, _echo, _ping);
            long end;
            try
            {
                end = await pending.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                throw new BenchmarkTimeoutException("a ping got no reply within 30 s");
            }

            results.Add(Stopwatch.GetElapsedTime(start, end).TotalMicroseconds);
            if (paced)
            {
                await Task.Delay(1);
            }
        }

        return new LatencySamples([.. results], watch.Elapsed.TotalSeconds, gc.Stop());
    }
}

/// <summary>8 MiB messages streamed from a to b's "bulk-sink", as fast as the channel takes them or at a set rate.</summary>
internal sealed class BulkStream
{
    public const int MessageSize = 8 * 1024 * 1024;

    private readonly OverlayPair _pair;
    private readonly Payload _message = Payload.OfSize(MessageSize);
    private readonly PartisanTarget _sink = PartisanTarget.Named("bulk-sink");
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private long _sent;

    public BulkStream(OverlayPair pair)
    {
        _pair = pair;
        pair.B.RegisterReceiver("bulk-sink", _ => Received.Increment());
    }

    public ArrivalCounter Received { get; } = new();

    public long Sent => Volatile.Read(ref _sent);

    /// <summary>
    /// Starts streaming on <paramref name="channel"/>, as fast as the channel takes the messages or no
    /// faster than <paramref name="megabytesPerSecond"/>, and waits until a few messages have arrived.
    /// </summary>
    public async Task StartAsync(string channel, double? megabytesPerSecond = null)
    {
        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        var options = new ForwardOptions { Channel = channel };
        var node = _pair.B.Name;
        var before = Received.Count;
        var sentBefore = Sent;
        var pace = Stopwatch.StartNew();
        _loop = Task.Run(async () =>
        {
            try
            {
                while (!token.IsCancellationRequested)
                {
                    await _pair.A.ForwardMessageAsync(node, _sink, _message, options, token);
                    var sent = Interlocked.Increment(ref _sent);
                    if (megabytesPerSecond is { } rate)
                    {
                        // Paced: no faster than the rate, counted from the start.
                        var due = TimeSpan.FromSeconds((sent - sentBefore) * (double)MessageSize / 1e6 / rate) - pace.Elapsed;
                        if (due > TimeSpan.Zero)
                        {
                            await Task.Delay(due, token);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped.
            }
        });
        var watch = Stopwatch.StartNew();
        while (Received.Count - before < 3)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new BenchmarkTimeoutException("the bulk stream delivered fewer than 3 messages in 30 s");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Stops streaming and waits until everything sent has arrived.</summary>
    public async Task StopAsync()
    {
        _stop!.Cancel();
        await _loop!.WaitAsync(TimeSpan.FromSeconds(30));
        var watch = Stopwatch.StartNew();
        while (Received.Count < Sent)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new BenchmarkTimeoutException("the bulk stream did not drain within 60 s");
            }

            await Task.Delay(10);
        }

        _stop.Dispose();
    }
}

/// <summary>Garbage collections and their pause time during a measurement.</summary>
internal sealed record GcActivity(int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static readonly GcActivity None = new(0, 0, 0, TimeSpan.Zero);

    public static GcActivity Start() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public GcActivity Stop() => new(GC.CollectionCount(0) - Gen0, GC.CollectionCount(1) - Gen1, GC.CollectionCount(2) - Gen2, GC.GetTotalPauseDuration() - Paused);

    public static GcActivity operator +(GcActivity a, GcActivity b) => new(a.Gen0 + b.Gen0, a.Gen1 + b.Gen1, a.Gen2 + b.Gen2, a.Paused + b.Paused);

    public override string ToString() => $"GCs gen0/1/2 {Gen0}/{Gen1}/{Gen2}, paused {Paused.TotalMilliseconds:0.0} ms";
}

internal static class Background
{
    /// <summary>Lets a send complete on its own; a failure is reported rather than lost.</summary>
    public static void Forget(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        _ = pending.AsTask().ContinueWith(
            static t => Console.Out.WriteLine($"> background send failed: {t.Exception?.GetBaseException().Message}"),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
