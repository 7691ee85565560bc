using System.Diagnostics;
using Orleans.Partisan.ProcessHost;
using Xunit.Abstractions;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// README's first program (samples/GettingStarted) run as the README says: two processes on one host, the first a
/// seed, each with its own ports; each prints the greeting the other sent it on nodeup.
/// </summary>
public sealed class GettingStartedProcessTests(ITestOutputHelper output)
{
    private static readonly string GettingStarted = Path.Combine(AppContext.BaseDirectory, "GettingStarted.dll");

    [Fact]
    public async Task Two_silos_on_one_host_each_print_the_greeting_of_the_other()
    {
        // The seed keeps its table under the local application data folder: a temporary one here.
        var data = Directory.CreateTempSubdirectory("partisan-getting-started-");
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = data.FullName, ["LOCALAPPDATA"] = data.FullName };
        var seed = $"127.0.0.1:{SiloProcess.FreePortPair()}";
        var (firstPort, secondPort) = (SiloProcess.FreePort(), SiloProcess.FreePort());
        var watch = Stopwatch.StartNew();
        try
        {
            await using var first = ChildProcess.Start("first silo", GettingStarted,
                ["--SiloPort", $"{firstPort}", "--GatewayPort", $"{SiloProcess.FreePort()}", "--Seeds", seed, "--ConsensusEndpoint", seed], environment);
            await using var second = ChildProcess.Start("second silo", GettingStarted,
                ["--SiloPort", $"{secondPort}", "--GatewayPort", $"{SiloProcess.FreePort()}", "--Seeds", seed], environment);

            // A silo's node name is its silo address: 127.0.0.1:<silo port>@<generation>.
            var (firstName, secondName) = ($"127.0.0.1:{firstPort}@", $"127.0.0.1:{secondPort}@");
            var greetings = await Task.WhenAll(
                first.WaitForLineAsync(l => l.StartsWith(secondName, StringComparison.Ordinal) && l.Contains($" says: hello, {firstName}", StringComparison.Ordinal),
                    ProcessCluster.Timeout, $"the second silo's greeting ('{secondName}… says: hello, {firstName}…')"),
                second.WaitForLineAsync(l => l.StartsWith(firstName, StringComparison.Ordinal) && l.Contains($" says: hello, {secondName}", StringComparison.Ordinal),
                    ProcessCluster.Timeout, $"the first silo's greeting ('{firstName}… says: hello, {secondName}…')"));
            output.WriteLine($"after {watch.Elapsed.TotalSeconds:0.0} s: first printed '{greetings[0]}', second printed '{greetings[1]}'");

            Assert.True(Directory.Exists(Path.Combine(data.FullName, "Orleans.Partisan.Clustering")), $"the seed kept no table under {data.FullName}: {first.Describe()}");
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
