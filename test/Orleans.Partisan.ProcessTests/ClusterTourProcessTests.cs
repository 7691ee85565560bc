using System.Diagnostics;
using System.Reflection;
using Orleans.Partisan.ProcessHost;
using Xunit.Abstractions;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// samples/ClusterTour run as its README says (no arguments): three silos and an Orleans client that is an overlay node,
/// in one process; it must walk through every step, the client's included, and exit 0 within its own two-minute limit.
/// </summary>
public sealed class ClusterTourProcessTests(ITestOutputHelper output)
{
    // Built by the project reference, run from the sample's own output folder (see the project file).
    private static readonly string ClusterTour = Path.GetFullPath(typeof(ClusterTourProcessTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ClusterTour").Value!);

    // The tour's own limit is two minutes; the process gets a little more to start and to report it.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2.5);

    [Fact]
    public async Task The_tour_runs_the_client_node_steps_and_exits_0()
    {
        var watch = Stopwatch.StartNew();
        await using var tour = ChildProcess.Start("cluster tour", ClusterTour, []);
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await tour.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            Assert.Fail($"the tour had not exited after {Limit}: {tour.Describe()}");
        }

        output.WriteLine($"exited {tour.ExitCode} after {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(tour.ExitCode == 0, $"the tour exited {tour.ExitCode}, not 0: {tour.Describe()}");
        var printed = string.Join("\n", tour.Lines);
        foreach (var expected in new[]
        {
            "got 'hello from a client' from client:", // the client forwarded to silo 1's receiver
            "the client's mailbox <client:", // silo 2 forwarded to the client's mailbox
            "the client's broadcast handler got silo 0's write: size=large",
            "the client saw: nodedown", // the client's monitor of the stopped silo
            "the client now knows:", // the stopped silo left the client's list
            "Done.",
        })
        {
            Assert.True(printed.Contains(expected, StringComparison.Ordinal), $"the tour printed no line with '{expected}': {tour.Describe()}");
        }
    }
}
