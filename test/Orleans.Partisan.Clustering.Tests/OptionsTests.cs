using Orleans.Partisan.Clustering.Hosting;

namespace Orleans.Partisan.Clustering.Tests;

public sealed class OptionsTests
{
    private static PartisanClusteringOptions Valid() => new() { Seeds = ["127.0.0.1:5000", "127.0.0.1:5010", "seed3.example:5000"] };

    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var o = new PartisanClusteringOptions();
        Assert.Empty(o.Seeds);
        Assert.Null(o.ConsensusEndpoint);
        Assert.Null(o.DataDirectory);
        Assert.Equal(1, o.ServicePortOffset);
        Assert.Equal(PartisanClusteringOptions.DefaultServicePortOffset, o.ServicePortOffset);
        Assert.Equal(TimeSpan.FromSeconds(10), o.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), o.ShutdownRequestTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(300), o.LowerElectionTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(600), o.UpperElectionTimeout);
        Assert.Equal(1000, o.SnapshotInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), o.StartupTimeout);
    }

    [Fact]
    public void Validate_ValidOptions_HasNoErrors()
        => Assert.Empty(PartisanClusteringOptionsValidator.Validate(Valid()));

    [Fact]
    public void Seeds_TakesAnArraySplitFromText()
    {
        // What a program reading its seeds from the command line writes; Seeds once was a List<string> that refused it.
        var o = new PartisanClusteringOptions { Seeds = "127.0.0.1:5000,127.0.0.1:5010".Split(',') };

        Assert.Equal(["127.0.0.1:5000", "127.0.0.1:5010"], o.Seeds);
        Assert.Empty(PartisanClusteringOptionsValidator.Validate(o));
    }

    [Fact]
    public void Validate_NoSeeds_NamesSeeds()
        => Assert.Contains("Seeds must list at least one", Assert.Single(PartisanClusteringOptionsValidator.Validate(new PartisanClusteringOptions())));

    public static TheoryData<string, string> BadOptions => new()
    {
        { "seed-not-host-port", "Seeds[1]" },
        { "seed-port-zero", "Seeds[1]" },
        { "seed-duplicate", "Seeds[1] '127.0.0.1:5000' is listed twice" },
        { "consensus-endpoint", "ConsensusEndpoint" },
        { "offset", "ServicePortOffset" },
        { "lower-election", "LowerElectionTimeout" },
        { "upper-election", "UpperElectionTimeout" },
        { "request-timeout", "RequestTimeout" },
        { "shutdown-timeout-under-election", "ShutdownRequestTimeout" },
        { "shutdown-timeout-over-request", "ShutdownRequestTimeout" },
        { "snapshot", "SnapshotInterval" },
        { "startup", "StartupTimeout" },
        { "data-directory", "DataDirectory" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadOption_NamesTheOption(string mistake, string expected)
    {
        var o = Valid();
        switch (mistake)
        {
            case "seed-not-host-port": o.Seeds = [o.Seeds[0], "no-port", o.Seeds[2]]; break;
            case "seed-port-zero": o.Seeds = [o.Seeds[0], "127.0.0.1:0", o.Seeds[2]]; break;
            case "seed-duplicate": o.Seeds = [o.Seeds[0], "127.0.0.1:5000", o.Seeds[2]]; break;
            case "consensus-endpoint": o.ConsensusEndpoint = "127.0.0.1"; break;
            case "offset": o.ServicePortOffset = 0; break;
            case "lower-election": o.LowerElectionTimeout = TimeSpan.FromMilliseconds(10); o.UpperElectionTimeout = TimeSpan.FromMilliseconds(20); break;
            case "upper-election": o.UpperElectionTimeout = o.LowerElectionTimeout; break;
            case "request-timeout": o.RequestTimeout = o.UpperElectionTimeout; break;
            case "shutdown-timeout-under-election": o.ShutdownRequestTimeout = o.UpperElectionTimeout; break;
            case "shutdown-timeout-over-request": o.ShutdownRequestTimeout = o.RequestTimeout + TimeSpan.FromSeconds(1); break;
            case "snapshot": o.SnapshotInterval = 1; break;
            case "startup": o.StartupTimeout = TimeSpan.FromSeconds(1); break;
            case "data-directory": o.DataDirectory = " "; break;
        }

        var errors = PartisanClusteringOptionsValidator.Validate(o);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1:5000", "127.0.0.1", 5000)]
    [InlineData("[::1]:5000", "::1", 5000)]
    [InlineData("seed.example:11111", "seed.example", 11111)]
    public void SeedEndPoint_Parses(string text, string host, int port)
    {
        Assert.True(SeedEndPoints.TryParse(text, out var h, out var p, out var error), error);
        Assert.Equal(host, h);
        Assert.Equal(port, p);
    }
}
