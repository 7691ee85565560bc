using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Partisan.ProcessHost;
using static Orleans.Partisan.Benchmarks.Report;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Issue 11's request-reply measurement, between two silos in two processes over loopback TCP (as users run
/// them, not Orleans' in-memory test transport): this process is silo A, a <see cref="SiloProcess"/> is silo B.
/// A 64 B request-reply at concurrency 1 and 100, the overlay's <c>CallAsync</c> to B's <c>echo</c> receiver
/// beside an Orleans grain call to an echo grain pinned to B, taken in turns: calls per second, p50 and p99.
/// </summary>
internal static class RequestReplyExperiment
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(string[] args, TextWriter output)
    {
        var quick = args.Contains("--quick");
        var seconds = quick ? 1.0 : 3.0;
        var rounds = quick ? 1 : 3;
        output.WriteLine("# Orleans.Partisan request-reply experiment");
        output.WriteLine();
        output.WriteLine("Command: `dotnet run -c Release --project bench/Orleans.Partisan.Benchmarks -- " + string.Join(' ', args) + "`");
        output.WriteLine();

        var primaryPort = SiloProcess.FreePort();
        await using var remote = SiloProcess.Start("silo B", new Dictionary<string, string>
        {
            ["Clustering"] = "Development",
            ["PrimaryPort"] = primaryPort.ToString(Culture),
            ["ClusterId"] = "bench-calls",
        }, siloPort: primaryPort);
        await remote.WaitReadyAsync(Timeout);
        var remoteSilo = remote.SiloAddress!;

        using var host = StartLocalSilo(primaryPort);
        await host.StartAsync();
        var partisan = host.Services.GetRequiredService<IPartisan>();
        var node = new NodeName(remoteSilo);
        var connected = Stopwatch.StartNew();
        while (!partisan.IsConnected(node))
        {
            if (connected.Elapsed > Timeout)
            {
                throw new TimeoutException($"The overlay did not connect to {node} within {Timeout}. {remote.Describe()}");
            }

            await Task.Delay(50);
        }

        var request = Payload.OfSize(64).Data; // a byte[]: silo B has no benchmark types
        var echo = PartisanTarget.Named(EchoReceivers.Echo);
        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEchoGrain>(remoteSilo);
        Func<Task>[] contenders =
        [
            () => partisan.CallAsync<byte[]>(node, echo, request),
            () => grain.Echo(request),
        ];
        string[] names = ["overlay CallAsync", "Orleans grain call"];
        output.WriteLine($"Silo A in this process, silo B ({remoteSilo}) in its own; {rounds} rounds of {seconds:0.#} s per");
        output.WriteLine("contender and concurrency, taken in turns after a warm-up; calls/s is the median round, latencies are");
        output.WriteLine("over every call of every round.");
        output.WriteLine();
        output.WriteLine("| request-reply, 64 B | overlay CallAsync | Orleans grain call | ratio |");
        output.WriteLine("| --- | --- | --- | --- |");
        foreach (var concurrency in new[] { 1, 100 })
        {
            foreach (var contender in contenders)
            {
                await Load.RunAsync(contender, concurrency, TimeSpan.FromSeconds(quick ? 0.5 : 2));
            }

            var results = contenders.Select(_ => new List<Load>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < contenders.Length; i++)
                {
                    results[i].Add(await Load.RunAsync(contenders[i], concurrency, TimeSpan.FromSeconds(seconds)));
                }
            }

            var (overlay, orleans) = (Load.Combine(results[0]), Load.Combine(results[1]));
            output.WriteLine($"| concurrency {concurrency}, calls/s | {Count(overlay.CallsPerSecond)} | {Count(orleans.CallsPerSecond)} | {Ratio(overlay.CallsPerSecond / orleans.CallsPerSecond)} |");
            output.WriteLine($"| concurrency {concurrency}, p50 µs | {Fixed(overlay.Latency.P50)} | {Fixed(orleans.Latency.P50)} | {Ratio(overlay.Latency.P50 / orleans.Latency.P50)} |");
            output.WriteLine($"| concurrency {concurrency}, p99 µs | {Fixed(overlay.Latency.P99)} | {Fixed(orleans.Latency.P99)} | {Ratio(overlay.Latency.P99 / orleans.Latency.P99)} |");
            if (concurrency == 100)
            {
                output.WriteLine();
                output.WriteLine($"- target calls/s at concurrency 100 ≥ 1.5x Orleans: {Ratio(overlay.CallsPerSecond / orleans.CallsPerSecond)}, {(overlay.CallsPerSecond >= 1.5 * orleans.CallsPerSecond ? "met" : "not met")}");
                output.WriteLine($"- target p99 at concurrency 100 no worse than Orleans: {Ratio(overlay.Latency.P99 / orleans.Latency.P99)}, {(overlay.Latency.P99 <= orleans.Latency.P99 ? "met" : "not met")}");
            }
        }

        output.WriteLine();
        output.WriteLine($"({names[0]} to the receiver `{EchoReceivers.Echo}`, which answers with ReplyAsync; {names[1]} to `{nameof(IEchoGrain)}.{nameof(IEchoGrain.Echo)}` pinned to silo B.)");
        await host.StopAsync();
        await remote.StopAsync(Timeout);
    }

    private static IHost StartLocalSilo(int primaryPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.None).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("bench-calls", "bench-calls"));
            silo.ConfigureEndpoints(IPAddress.Loopback, SiloProcess.FreePort(), SiloProcess.FreePort(), listenOnAnyHostAddress: false);
            silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, primaryPort));
            silo.AddPartisan(o => o.ListenAddress = IPAddress.Loopback);
        });
        return builder.Build();
    }
}
