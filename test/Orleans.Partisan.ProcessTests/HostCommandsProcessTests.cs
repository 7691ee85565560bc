using System.Globalization;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// The silo process's commands on standard input (<c>HostCommands</c>), which the benchmark drives: a broadcast from
/// one silo reaches every silo's handler, the views and statistics are answered, bad commands are answered with
/// FAILED and the silo goes on, and closing the input stops the silo gracefully.
/// </summary>
public sealed class HostCommandsProcessTests
{
    [Fact]
    public async Task A_broadcast_command_reaches_every_silo_views_and_stats_answer_bad_commands_fail_and_closing_input_stops_the_silo()
    {
        await using var cluster = await ProcessCluster.StartPartisanAsync(1, 2, failureDetection: false, extra: new Dictionary<string, string> { ["PeerService"] = "HyParView" });
        var silos = cluster.Silos;
        foreach (var silo in silos)
        {
            await ProcessCluster.WaitForStatusAsync(silos, silo, "Active", ProcessCluster.StartTimeout);
        }

        // Three silos under HyParView: each has the two others in its active view, connected.
        await Task.WhenAll(silos.SelectMany(o => silos.Where(s => s != o).Select(s => o.WaitForLineAsync(l => l == $"NODEUP {s.SiloAddress}", ProcessCluster.StartTimeout, $"NODEUP of {s.Name}"))));
        var root = silos[0];

        Assert.Equal("sent", await root.CommandAsync("BROADCAST", "hello", ProcessCluster.Timeout));
        var start = Timestamp(await root.WaitForLineAsync(l => l.StartsWith("BROADCASTING hello ", StringComparison.Ordinal), ProcessCluster.Timeout, "BROADCASTING hello"));
        var delivered = await Task.WhenAll(silos.Select(s => s.WaitForLineAsync(l => l.StartsWith("DELIVERED hello ", StringComparison.Ordinal), ProcessCluster.Timeout, "DELIVERED hello")));
        Assert.All(delivered, l => Assert.True(Timestamp(l) >= start, $"delivered before it was broadcast: {l} (BROADCASTING at {start})"));

        var views = await root.CommandAsync("VIEWS", "v1", ProcessCluster.Timeout);
        var fields = views.Split(' ').Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        var others = silos.Skip(1).Select(s => s.SiloAddress!).Order().ToList();
        Assert.Equal(others, fields["active"].Split(',').Order());
        Assert.Equal(others, fields["connected"].Split(',').Order());
        Assert.True(int.Parse(fields["connections"], CultureInfo.InvariantCulture) >= 2, $"fewer connections than neighbours: {views}");

        var stats = (await root.CommandAsync("STATS", "s1", ProcessCluster.Timeout)).Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture));
        Assert.Equal(1, stats["originated"]);
        Assert.True(stats["gossip"] >= 1, $"the root sent no GOSSIP for its broadcast: {string.Join(' ', stats)}");

        // What the silo cannot do is answered, and it goes on answering.
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => root.CommandAsync("BROADCAST", "hello", ProcessCluster.Timeout));
        Assert.Contains("not new", again.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => root.CommandAsync("SHUFFLE", "x1", ProcessCluster.Timeout));
        Assert.Contains("unknown command 'SHUFFLE'", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith("active=", await root.CommandAsync("VIEWS", "v2", ProcessCluster.Timeout), StringComparison.Ordinal);

        await root.StopAsync(ProcessCluster.Timeout);
        Assert.Contains(root.Lines, l => l.StartsWith("STOPPED ", StringComparison.Ordinal));
    }

    private static long Timestamp(string line) => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}
