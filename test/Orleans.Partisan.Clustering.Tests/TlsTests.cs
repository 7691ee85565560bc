using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// Storage-free clustering with TLS on (<c>UsePartisanTls</c>): the seeds' Raft traffic and table service, and the silos'
/// and clients' requests to it, with certificates made in the test under a root and an intermediate.
/// </summary>
public sealed class TlsTests
{
    private static readonly TestCertificates Certificates = TestCertificates.Instance;

    [Fact]
    public async Task SeedsOverTls_ElectALeader_AndServeTheTable_ToAClientOverTls()
    {
        var logs = new CapturingLoggerFactory();
        await using var group = await SeedGroup.StartAsync(tls: i => Tls(Certificates.Node($"seed{i}")), loggerFactory: logs);
        await group.LeaderAsync();

        var table = group.Handle("over-tls", tls: Tls(Certificates.Node("silo")));
        var data = await table.ReadAllAsync(CancellationToken.None);
        Assert.True(await table.InsertRowAsync(Rows.Entry(), data.Version.Next(), CancellationToken.None));
        Assert.Single((await table.ReadAllAsync(CancellationToken.None)).Members);
        Assert.True(logs.Messages(6007).Count + logs.Messages(6008).Count + logs.Messages(6009).Count == 0, $"no TLS refusal expected: {logs.Dump()}");
    }

    [Fact]
    public async Task APlaintextClient_IsRefusedByTlsSeeds_WithTheReasonLogged()
    {
        var logs = new CapturingLoggerFactory();
        await using var group = await SeedGroup.StartAsync(tls: i => Tls(Certificates.Node($"seed{i}")), loggerFactory: logs);
        // The seed closes the connection as soon as it reads the plaintext request; the timeout only bounds the wait (2 s
        // is short for a loaded CI machine, as the TLS client's case below found).
        var plaintext = group.Handle("plain", requestTimeout: TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(() => plaintext.ReadAllAsync(CancellationToken.None));
        Assert.Contains("seed closed the connection without answering", error.Message, StringComparison.Ordinal);
        await Eventually.Until(
            () => Task.FromResult(logs.Messages(6009).Any(m => m.Contains("the TLS handshake failed", StringComparison.Ordinal) && m.Contains("does the client have TLS on (UsePartisanTls)?", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10),
            () => $"a seed to log the refused plaintext client; logged: {logs.Dump()}");
    }

    [Fact]
    public async Task AClientUnderAnotherAuthority_IsRefused_AndATlsClientOfPlaintextSeedsSaysWhy()
    {
        var logs = new CapturingLoggerFactory();
        await using (var group = await SeedGroup.StartAsync(tls: i => Tls(Certificates.Node($"seed{i}")), loggerFactory: logs))
        {
            var stranger = group.Handle("stranger", requestTimeout: TimeSpan.FromSeconds(10), tls: Tls(Certificates.WrongAuthorityNode("stranger")));
            var refused = await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(() => stranger.ReadAllAsync(CancellationToken.None));
            Assert.Contains("it may have refused this node's certificate", refused.Message, StringComparison.Ordinal);
            await Eventually.Until(
                () => Task.FromResult(logs.Messages(6009).Any(m => m.Contains("its certificate CN=stranger was refused: no chain to a trusted root", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(10),
                () => $"a seed to log why it refused the stranger's certificate; logged: {logs.Dump()}");
        }

        var plainLogs = new CapturingLoggerFactory();
        await using var plain = await SeedGroup.StartAsync(loggerFactory: plainLogs);
        var clientLogs = new CapturingLoggerFactory();
        // The refusal arrives as soon as the seed reads the handshake; the request timeout only bounds the wait, and 2 s
        // expired first once on a loaded CI machine (the error then said the request timed out, not why).
        var secure = plain.Handle("secure", requestTimeout: TimeSpan.FromSeconds(10), logger: clientLogs.CreateLogger("client"), tls: Tls(Certificates.Node("client")));
        var error = await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(() => secure.ReadAllAsync(CancellationToken.None));
        Assert.Contains("TLS: the TLS handshake failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("is TLS on at the seed (UsePartisanTls)?", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(clientLogs.Messages(6010));
        Assert.Contains(plainLogs.Messages(6009), m => m.Contains("the client opened a TLS handshake, and TLS is off on this seed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASeedUnderAnotherAuthority_IsRefusedByTheRaftGroup_WhichStillServesWithTheOthers()
    {
        var logs = new CapturingLoggerFactory();
        await using var group = await SeedGroup.StartAsync(tls: i => Tls(i == 2 ? Certificates.WrongAuthorityNode("intruder") : Certificates.Node($"seed{i}")), loggerFactory: logs);

        await Eventually.Until(
            () => Task.FromResult(logs.Messages(6007).Any(m => m.Contains("its certificate CN=intruder was refused: no chain to a trusted root", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20),
            () => $"a seed to refuse the intruder's Raft connection with the reason; logged: {logs.Dump()}");
        var table = group.Handle("two-of-three", firstSeed: 0, tls: Tls(Certificates.Node("silo")));
        var data = await table.ReadAllAsync(CancellationToken.None);
        Assert.True(await table.InsertRowAsync(Rows.Entry(), data.Version.Next(), CancellationToken.None));
        Assert.False(group.Nodes[2]!.IsLeader, "the intruder cannot lead: no seed accepts its Raft connections");
    }

    [Fact]
    public async Task SilosAndAClient_WithUsePartisanTls_FormTheClusterAndServeGrainCalls()
    {
        var certificates = new[] { Certificates.Node("silo0"), Certificates.Node("silo1"), Certificates.Node("silo2"), Certificates.Node("silo3") };
        await using var harness = new SiloHarness(seedCount: 3, otherCount: 1, (i, silo) => silo.UsePartisanTls(certificates[i], Certificates.Trust));
        await harness.StartAllAsync();
        await Eventually.Until(
            () => Task.FromResult(harness.Silos.All(s => s!.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == 4)),
            TimeSpan.FromSeconds(60),
            () => "every silo to see 4 active silos");

        using var client = await harness.StartClientAsync(c => c.UsePartisanTls(Certificates.Node("client"), Certificates.Trust));
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var where = await grains.GetGrain<IWhereGrain>(7).Where();
        Assert.Contains(where, harness.Silos.Select(s => s!.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()));
        await client.StopAsync();
    }

    private static PartisanTlsOptions Tls(X509Certificate2 certificate)
    {
        var options = new PartisanTlsOptions { Enabled = true, LocalCertificate = certificate };
        Certificates.Trust(options);
        return options;
    }
}
