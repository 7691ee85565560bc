using Orleans.Partisan.Tests.Shared;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>The table survives the loss of a minority of seeds and their restarts, and says so clearly when a majority is gone.</summary>
public sealed class SeedLossTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task InsertAsync(IMembershipTable table, MembershipEntry entry)
    {
        var data = await table.ReadAllAsync(None);
        Assert.True(await table.InsertRowAsync(entry, data.Version.Next(), None), $"insert of {entry.SiloAddress} failed");
    }

    [Fact]
    public async Task SeedsStartedApart_InitializationWaitsPastRequestTimeoutForAMajority()
    {
        await using var group = SeedGroup.Create();
        await group.StartSeedAsync(0);
        var requestTimeout = TimeSpan.FromSeconds(1);
        var failedRequests = new EventCountingLogger(id: 6006);
        var table = group.Handle("apart", firstSeed: 0, requestTimeout: requestTimeout, startupTimeout: TimeSpan.FromSeconds(30), logger: failedRequests);
        var initialization = table.InitializeMembershipTableAsync(true, None);

        // Each attempt gives up after RequestTimeout and logs so (6006); the start keeps waiting past two.
        await failedRequests.WhenAtLeast(2).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(initialization.IsCompleted, $"initialization ended without a majority of seeds: {initialization.Exception?.GetBaseException().Message}");

        await Task.WhenAll(group.StartSeedAsync(1), group.StartSeedAsync(2));
        await initialization.WaitAsync(TimeSpan.FromSeconds(30));
        await InsertAsync(table, Rows.Entry());
    }

    [Fact]
    public async Task LosingOneOfThreeSeeds_KeepsTableWritable()
    {
        await using var group = await SeedGroup.StartAsync();
        var table = group.Handle("loss");
        var before = Rows.Entry();
        await InsertAsync(table, before);

        await group.StopSeedAsync(await group.LeaderAsync());
        var after = Rows.Entry();
        await InsertAsync(group.Handle("loss"), after);

        var data = await table.ReadAllAsync(None);
        Assert.Equal(2, data.Version.Version);
        Assert.NotNull(data.TryGet(before.SiloAddress));
        Assert.NotNull(data.TryGet(after.SiloAddress));
    }

    [Fact]
    public async Task RestartedSeed_CatchesUpFromItsDataDirectory()
    {
        await using var group = await SeedGroup.StartAsync();
        var table = group.Handle("restart");
        await InsertAsync(table, Rows.Entry());
        var leader = await group.LeaderAsync();
        var lagging = (leader + 1) % 3;
        await group.StopSeedAsync(lagging);

        // More writes than SnapshotInterval (50), so the survivors snapshot and the restarted seed must catch up past them.
        var written = new List<MembershipEntry>();
        for (var i = 0; i < 60; i++)
        {
            var entry = Rows.Entry();
            await InsertAsync(table, entry);
            written.Add(entry);
        }

        await group.StartSeedAsync(lagging);

        // Stop the other survivor that is not the restarted seed: from now on every commit needs the restarted seed.
        var other = Enumerable.Range(0, 3).First(i => i != lagging && group.Nodes[i] is not null);
        await group.StopSeedAsync(other);
        var last = Rows.Entry();
        await InsertAsync(group.Handle("restart"), last);

        var data = await group.Handle("restart").ReadAllAsync(None);
        Assert.Equal(62, data.Version.Version);
        Assert.All(written.Append(last), e => Assert.NotNull(data.TryGet(e.SiloAddress)));
    }

    [Fact]
    public async Task AllSeedsRestarted_RecoverTheCommittedTableFromTheirDataDirectories()
    {
        await using var group = await SeedGroup.StartAsync();
        var table = group.Handle("full-restart");
        var written = new List<MembershipEntry>();
        for (var i = 0; i < 60; i++)
        {
            var entry = Rows.Entry();
            await InsertAsync(table, entry);
            written.Add(entry);
        }

        var alive = Rows.T0.AddMinutes(3);
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = written[7].SiloAddress, IAmAliveTime = alive }, None);
        var before = await table.ReadAllAsync(None);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(group.StopSeedAsync));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(group.StartSeedAsync));

        var after = await group.Handle("full-restart").ReadAllAsync(None);
        Assert.Equal(Rows.Full(before), Rows.Full(after));
        Assert.Equal(alive, Rows.Row(after, written[7].SiloAddress).Item1.IAmAliveTime);
        Assert.True(await table.InsertRowAsync(Rows.Entry(), after.Version.Next(), None), "the recovered table refused its current tokens");
    }

    [Fact]
    public async Task SecondSeedOnOneDataDirectory_FailsToStartNamingTheDirectory()
    {
        await using var group = await SeedGroup.StartAsync();
        var running = group.Nodes[0]!;
        var port = SafePorts.TakePair();
        var intruder = new Consensus.SeedNode(
            new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port),
            group.EndPoints,
            running.DataDirectory,
            group.Options,
            SeedGroup.Serializer,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await using (intruder)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => intruder.StartAsync(None));
            Assert.Contains(running.DataDirectory, error.Message, StringComparison.Ordinal);
        }

        await InsertAsync(group.Handle("lock"), Rows.Entry());
    }

    [Fact]
    public async Task LosingTwoOfThreeSeeds_FailsNamingTheSeedsThenRecoversWhenOneReturns()
    {
        await using var group = await SeedGroup.StartAsync();
        await InsertAsync(group.Handle("majority"), Rows.Entry());
        await group.StopSeedAsync(0);
        await group.StopSeedAsync(1);

        var table = group.Handle("majority", requestTimeout: TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(() => table.ReadAllAsync(None));
        foreach (var seed in group.EndPoints)
        {
            Assert.Contains($"127.0.0.1:{seed.Port + 1}", error.Message, StringComparison.Ordinal);
        }

        await group.StartSeedAsync(1);
        var data = await group.Handle("majority").ReadAllAsync(None);
        Assert.Single(data.Members);
        await InsertAsync(group.Handle("majority"), Rows.Entry());
    }
}
