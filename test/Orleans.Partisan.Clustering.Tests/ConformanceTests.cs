using Orleans.Partisan.Clustering.Membership;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// The guarantees of Orleans' membership-table conformance kit, run against a 3-seed Raft group. Handles reach the
/// seeds through the table-service protocol; "seed" handles try one seed first, "non-seed" handles the seeds in
/// reverse order, as a silo that is not a seed would.
/// </summary>
public sealed partial class ConformanceTests(SeedGroupFixture fixture) : IClassFixture<SeedGroupFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private SeedGroup Group => fixture.Group;

    private static string NewClusterId() => "cluster-" + Guid.NewGuid().ToString("N");

    private (PartisanMembershipTable Seed, PartisanMembershipTable NonSeed) Handles(string clusterId)
        => (Group.Handle(clusterId, firstSeed: 0), Group.Handle(clusterId));

    private static async Task<MembershipTableData> InsertAsync(IMembershipTable table, MembershipEntry entry)
    {
        var before = await table.ReadAllAsync(None);
        Assert.True(await table.InsertRowAsync(entry, before.Version.Next(), None), $"insert of {entry.SiloAddress} at {before.Version} failed");
        return await table.ReadAllAsync(None);
    }

    private static async Task AssertUnchangedAsync(IMembershipTable table, MembershipTableData before, string operation)
    {
        var after = await table.ReadAllAsync(None);
        Assert.True(Rows.Full(before) == Rows.Full(after), $"{operation} changed the table:\nbefore {Rows.Full(before)}\nafter  {Rows.Full(after)}");
    }

    [Fact]
    public async Task InsertRow_CurrentTableVersion_CommitsExactlyOneVersion()
    {
        var (table, _) = Handles(NewClusterId());
        await table.InitializeMembershipTableAsync(true, None);
        var empty = await table.ReadAllAsync(None);
        Assert.Equal(0, empty.Version.Version);
        Assert.Empty(empty.Members);

        var entry = Rows.Entry();
        Assert.True(await table.InsertRowAsync(entry, empty.Version.Next(), None));
        var one = await table.ReadAllAsync(None);
        Assert.Equal(1, one.Version.Version);
        Assert.NotEqual(empty.Version.VersionEtag, one.Version.VersionEtag);
        Assert.Equal(Rows.Canonical(entry), Rows.Canonical(Assert.Single(one.Members).Item1));

        Assert.False(await table.InsertRowAsync(Rows.Entry(), empty.Version.Next(), None), "the same table token committed twice");
        await AssertUnchangedAsync(table, one, "a second insert with the spent token");
    }

    [Fact]
    public async Task UpdateRow_CurrentTokens_CommitsExactlyOneVersion()
    {
        var (table, _) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var read = await InsertAsync(table, entry);
        var (stored, etag) = Rows.Row(read, entry.SiloAddress);

        var active = Rows.With(stored, e => e.Status = SiloStatus.Active);
        Assert.True(await table.UpdateRowAsync(active, etag, read.Version.Next(), None));
        var after = await table.ReadAllAsync(None);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        Assert.NotEqual(read.Version.VersionEtag, after.Version.VersionEtag);
        var (updated, newEtag) = Rows.Row(after, entry.SiloAddress);
        Assert.Equal(Rows.Canonical(active), Rows.Canonical(updated));
        Assert.NotEqual(etag, newEtag);

        Assert.False(await table.UpdateRowAsync(Rows.With(active, e => e.Status = SiloStatus.ShuttingDown), etag, read.Version.Next(), None), "the same tokens committed twice");
        await AssertUnchangedAsync(table, after, "a second update with spent tokens");
    }

    [Fact]
    public async Task Reads_SameVersion_PreservesRetainedCanonicalFields()
    {
        var (table, other) = Handles(NewClusterId());
        var first = Rows.Entry();
        var second = Rows.With(Rows.Entry(), e => { e.SuspectTimes = null; e.RoleName = null; });
        await InsertAsync(table, first);
        var written = await InsertAsync(table, second);

        var views = new[] { await table.ReadAllAsync(None), await other.ReadAllAsync(None), await table.ReadAllAsync(None) };
        foreach (var view in views)
        {
            Assert.Equal(written.Version, view.Version);
            Assert.Equal(Rows.Canonical(first), Rows.Canonical(Rows.Row(view, first.SiloAddress).Item1));
            Assert.Equal(Rows.Canonical(second), Rows.Canonical(Rows.Row(view, second.SiloAddress).Item1));
            Assert.Equal(Rows.Full(written), Rows.Full(view));
        }

        var row = await other.ReadRowAsync(first.SiloAddress, None);
        Assert.Equal(written.Version, row.Version);
        Assert.Equal(Rows.Canonical(first), Rows.Canonical(Assert.Single(row.Members).Item1));
    }

    [Fact]
    public async Task Reads_MaySkipCommittedVersions_WithoutSkippingHistoryValidation()
    {
        var (reader, writer) = Handles(NewClusterId());
        var a = Rows.Entry();
        var b = Rows.Entry();
        var first = await InsertAsync(writer, a);
        var seen = await reader.ReadAllAsync(None);
        Assert.Equal(first.Version, seen.Version);

        var (rowA, etagA) = Rows.Row(first, a.SiloAddress);
        Assert.True(await writer.UpdateRowAsync(Rows.With(rowA, e => e.Status = SiloStatus.Active), etagA, first.Version.Next(), None));
        await InsertAsync(writer, b);

        var later = await reader.ReadAllAsync(None);
        Assert.Equal(seen.Version.Version + 2, later.Version.Version);
        Assert.Equal(SiloStatus.Active, Rows.Row(later, a.SiloAddress).Item1.Status);
        Assert.Equal(Rows.Canonical(b), Rows.Canonical(Rows.Row(later, b.SiloAddress).Item1));

        Assert.False(await reader.InsertRowAsync(Rows.Entry(), seen.Version.Next(), None), "a token of a skipped version still committed");
        Assert.False(await reader.UpdateRowAsync(Rows.With(rowA, e => e.Status = SiloStatus.Dead), etagA, seen.Version.Next(), None), "row tokens of a skipped version still committed");
        await AssertUnchangedAsync(reader, later, "writes with tokens of a skipped version");
    }

    [Fact]
    public async Task Lifecycle_DeadRemainsTerminalAfterCompaction_SuccessorUsesNewGeneration()
    {
        var (table, other) = Handles(NewClusterId());
        var silo = Rows.NewSilo(generation: 1);
        var data = await InsertAsync(table, Rows.Entry(silo));
        foreach (var status in new[] { SiloStatus.Active, SiloStatus.ShuttingDown, SiloStatus.Dead })
        {
            var (row, etag) = Rows.Row(data, silo);
            Assert.True(await table.UpdateRowAsync(Rows.With(row, e => e.Status = status), etag, data.Version.Next(), None), $"transition to {status} failed");
            data = await table.ReadAllAsync(None);
        }

        var deadEtag = Rows.Row(data, silo).Item2;
        var deadRow = Rows.Row(data, silo).Item1;
        await other.CleanupDefunctSiloEntriesAsync(Rows.T0.AddDays(1), None);
        var compacted = await table.ReadAllAsync(None);
        Assert.Null(compacted.TryGet(silo));
        Assert.Equal(data.Version, compacted.Version);

        Assert.False(await table.UpdateRowAsync(Rows.With(deadRow, e => e.Status = SiloStatus.Active), deadEtag, compacted.Version.Next(), None), "a compacted Dead row came back");
        await AssertUnchangedAsync(table, compacted, "an update of a compacted Dead row");

        var successor = SiloAddress.New(silo.Endpoint.Address, silo.Endpoint.Port, generation: 2);
        var withSuccessor = await InsertAsync(other, Rows.Entry(successor));
        Assert.Equal(compacted.Version.Version + 1, withSuccessor.Version.Version);
        Assert.Null(withSuccessor.TryGet(silo));
        Assert.Equal(2, Rows.Row(withSuccessor, successor).Item1.SiloAddress.Generation);
    }

    [Fact]
    public async Task UpdateIAmAlive_OwnerWrites_PreserveCanonicalFieldsAndTableVersion()
    {
        var (owner, observer) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var inserted = await InsertAsync(owner, entry);
        var (_, etag) = Rows.Row(inserted, entry.SiloAddress);
        foreach (var alive in new[] { Rows.T0.AddSeconds(10), Rows.T0.AddSeconds(20), Rows.T0.AddSeconds(20) })
        {
            await owner.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive }, None);
            var data = await observer.ReadAllAsync(None);
            Assert.Equal(inserted.Version, data.Version);
            var (row, rowEtag) = Rows.Row(data, entry.SiloAddress);
            Assert.Equal(Rows.Canonical(entry), Rows.Canonical(row));
            Assert.Equal(alive, row.IAmAliveTime.ToUniversalTime());
            Assert.Equal(etag, rowEtag);
        }
    }

    [Fact]
    public async Task UpdateRow_TokensCapturedBeforeHeartbeat_CommitStatusChange()
    {
        var (owner, other) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var captured = await InsertAsync(owner, entry);
        var (row, etag) = Rows.Row(captured, entry.SiloAddress);
        await owner.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = Rows.T0.AddSeconds(30) }, None);

        Assert.True(await other.UpdateRowAsync(Rows.With(row, e => e.Status = SiloStatus.Active), etag, captured.Version.Next(), None), "a heartbeat invalidated the row token");
        var after = await owner.ReadAllAsync(None);
        Assert.Equal(captured.Version.Version + 1, after.Version.Version);
        Assert.Equal(SiloStatus.Active, Rows.Row(after, entry.SiloAddress).Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_TokensCapturedBeforeHeartbeat_CommitVoteChange()
    {
        var (owner, voter) = Handles(NewClusterId());
        var entry = Rows.With(Rows.Entry(), e => e.Status = SiloStatus.Active);
        var captured = await InsertAsync(owner, entry);
        var (row, etag) = Rows.Row(captured, entry.SiloAddress);
        await owner.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = Rows.T0.AddSeconds(30) }, None);

        var suspector = Rows.NewSilo();
        var voted = Rows.With(row, e => e.AddOrUpdateSuspector(suspector, Rows.T0.AddSeconds(31), 10));
        Assert.True(await voter.UpdateRowAsync(voted, etag, captured.Version.Next(), None), "a heartbeat invalidated the row token");
        var after = await owner.ReadAllAsync(None);
        Assert.Equal(captured.Version.Version + 1, after.Version.Version);
        Assert.Contains(Rows.Row(after, entry.SiloAddress).Item1.SuspectTimes!, s => s.Item1.Equals(suspector));
        Assert.Equal(Rows.Canonical(voted), Rows.Canonical(Rows.Row(after, entry.SiloAddress).Item1));
    }

    [Fact]
    public async Task Handles_IndependentlyConstructed_ShareCommittedBackingState()
    {
        var clusterId = NewClusterId();
        var first = Group.Handle(clusterId, firstSeed: 0);
        var entry = Rows.Entry();
        var written = await InsertAsync(first, entry);

        var second = Group.Handle(clusterId, firstSeed: 2);
        var third = Group.Handle(clusterId);
        Assert.Equal(Rows.Full(written), Rows.Full(await second.ReadAllAsync(None)));
        Assert.Equal(Rows.Full(written), Rows.Full(await third.ReadAllAsync(None)));

        var (row, etag) = Rows.Row(written, entry.SiloAddress);
        Assert.True(await third.UpdateRowAsync(Rows.With(row, e => e.Status = SiloStatus.Active), etag, written.Version.Next(), None));
        Assert.Equal(SiloStatus.Active, Rows.Row(await first.ReadRowAsync(entry.SiloAddress, None), entry.SiloAddress).Item1.Status);
    }
}
