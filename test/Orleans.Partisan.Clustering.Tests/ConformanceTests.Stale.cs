namespace Orleans.Partisan.Clustering.Tests;

public sealed partial class ConformanceTests
{
    [Fact]
    public async Task InsertRow_StaleTableToken_ReturnsFalseWithoutSideEffects()
    {
        var (table, competitor) = Handles(NewClusterId());
        await InsertAsync(table, Rows.Entry());
        var stale = await table.ReadAllAsync(None);
        var current = await InsertAsync(competitor, Rows.Entry());

        var late = Rows.Entry();
        Assert.False(await table.InsertRowAsync(late, stale.Version.Next(), None), "an insert with a stale table token committed");
        await AssertUnchangedAsync(table, current, "an insert with a stale table token");
        Assert.Empty((await table.ReadRowAsync(late.SiloAddress, None)).Members);
    }

    [Fact]
    public async Task UpdateRow_StaleTableTokenWithCurrentRowToken_ReturnsFalseWithoutSideEffects()
    {
        var (table, competitor) = Handles(NewClusterId());
        var target = Rows.Entry();
        var stale = await InsertAsync(table, target);
        var current = await InsertAsync(competitor, Rows.Entry());

        var (row, freshEtag) = Rows.Row(current, target.SiloAddress);
        Assert.Equal(Rows.Row(stale, target.SiloAddress).Item2, freshEtag);
        Assert.False(await table.UpdateRowAsync(Rows.With(row, e => e.Status = SiloStatus.Active), freshEtag, stale.Version.Next(), None), "an update with a stale table token committed");
        await AssertUnchangedAsync(table, current, "an update with a stale table token and a current row token");
    }

    [Fact]
    public async Task UpdateRow_StaleSnapshotAfterSameRowCommit_ReturnsFalseWithoutSideEffects()
    {
        var (table, competitor) = Handles(NewClusterId());
        var target = Rows.Entry();
        var snapshot = await InsertAsync(table, target);
        var (row, etag) = Rows.Row(snapshot, target.SiloAddress);
        Assert.True(await competitor.UpdateRowAsync(Rows.With(row, e => e.Status = SiloStatus.Active), etag, snapshot.Version.Next(), None));
        var current = await table.ReadAllAsync(None);

        Assert.False(await table.UpdateRowAsync(Rows.With(row, e => e.Status = SiloStatus.Dead), etag, snapshot.Version.Next(), None), "an update from a stale snapshot committed");
        await AssertUnchangedAsync(table, current, "an update from a snapshot taken before a commit on the same row");
    }

    [Fact]
    public async Task InsertRow_DuplicateIdentity_ReturnsFalseWithoutSideEffects()
    {
        var (table, other) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var current = await InsertAsync(table, entry);

        var duplicate = Rows.With(entry, e => { e.Status = SiloStatus.Active; e.HostName = "other-host"; });
        Assert.False(await other.InsertRowAsync(duplicate, current.Version.Next(), None), "a second row with the same silo address was inserted");
        await AssertUnchangedAsync(table, current, "an insert of a duplicate identity");
    }

    [Fact]
    public async Task UpdateRow_MissingIdentityWithRealToken_ReturnsFalseWithoutSideEffects()
    {
        var (table, other) = Handles(NewClusterId());
        var present = Rows.Entry();
        var current = await InsertAsync(table, present);
        var realEtag = Rows.Row(current, present.SiloAddress).Item2;

        var missing = Rows.Entry();
        Assert.False(await other.UpdateRowAsync(missing, realEtag, current.Version.Next(), None), "an update of an absent silo committed");
        await AssertUnchangedAsync(table, current, "an update of an absent identity with a real row token");
        Assert.Empty((await table.ReadRowAsync(missing.SiloAddress, None)).Members);
    }

    [Fact]
    public async Task ReadRow_AndReadAll_AgreeForPresentAndAbsentIdentities()
    {
        var (table, other) = Handles(NewClusterId());
        var a = Rows.Entry();
        var b = Rows.Entry();
        await InsertAsync(table, a);
        var all = await InsertAsync(table, b);

        foreach (var silo in new[] { a.SiloAddress, b.SiloAddress })
        {
            var row = await other.ReadRowAsync(silo, None);
            Assert.Equal(all.Version, row.Version);
            var single = Assert.Single(row.Members);
            var fromAll = Rows.Row(all, silo);
            Assert.Equal(fromAll.Item2, single.Item2);
            Assert.Equal(Rows.Canonical(fromAll.Item1), Rows.Canonical(single.Item1));
            Assert.Equal(fromAll.Item1.IAmAliveTime, single.Item1.IAmAliveTime);
        }

        var absent = Rows.NewSilo();
        var none = await other.ReadRowAsync(absent, None);
        Assert.Equal(all.Version, none.Version);
        Assert.Empty(none.Members);
        Assert.Null(all.TryGet(absent));

        var sameEndpointOtherGeneration = SiloAddress.New(a.SiloAddress.Endpoint.Address, a.SiloAddress.Endpoint.Port, a.SiloAddress.Generation + 1);
        Assert.Empty((await other.ReadRowAsync(sameEndpointOtherGeneration, None)).Members);
    }

    [Fact]
    public async Task Reads_RetainedObjectsRemainUnchangedAfterLaterWrites()
    {
        var (table, writer) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var retained = await InsertAsync(table, entry);
        var retainedRow = await table.ReadRowAsync(entry.SiloAddress, None);
        var before = Rows.Full(retained);
        var beforeRow = Rows.Full(retainedRow);

        var (row, etag) = Rows.Row(retained, entry.SiloAddress);
        Assert.True(await writer.UpdateRowAsync(Rows.With(row, e => { e.Status = SiloStatus.Active; e.SuspectTimes!.Add(Tuple.Create(Rows.NewSilo(), Rows.T0)); }), etag, retained.Version.Next(), None));
        await writer.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = Rows.T0.AddMinutes(5) }, None);
        await InsertAsync(writer, Rows.Entry());

        Assert.Equal(before, Rows.Full(retained));
        Assert.Equal(beforeRow, Rows.Full(retainedRow));
        Assert.NotEqual(before, Rows.Full(await table.ReadAllAsync(None)));
    }

    [Fact]
    public async Task InsertRow_MutatingInputAndSuspectList_DoesNotMutateStoredState()
    {
        var (table, _) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var expected = Rows.Canonical(entry);
        var committed = await InsertAsync(table, entry);

        entry.Status = SiloStatus.Dead;
        entry.HostName = "mutated";
        entry.SuspectTimes!.Add(Tuple.Create(Rows.NewSilo(), Rows.T0));
        entry.SuspectTimes.RemoveAt(0);
        entry.IAmAliveTime = Rows.T0.AddDays(1);

        var after = await table.ReadAllAsync(None);
        Assert.Equal(expected, Rows.Canonical(Rows.Row(after, entry.SiloAddress).Item1));
        Assert.Equal(Rows.Full(committed), Rows.Full(after));
    }

    [Fact]
    public async Task UpdateRow_MutatingInputAndSuspectList_DoesNotMutateStoredState()
    {
        var (table, _) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var inserted = await InsertAsync(table, entry);
        var (row, etag) = Rows.Row(inserted, entry.SiloAddress);
        var update = Rows.With(row, e => e.Status = SiloStatus.Active);
        var expected = Rows.Canonical(update);
        Assert.True(await table.UpdateRowAsync(update, etag, inserted.Version.Next(), None));
        var committed = await table.ReadAllAsync(None);

        update.Status = SiloStatus.Dead;
        update.SiloName = "mutated";
        update.SuspectTimes!.Clear();

        var after = await table.ReadAllAsync(None);
        Assert.Equal(expected, Rows.Canonical(Rows.Row(after, entry.SiloAddress).Item1));
        Assert.Equal(Rows.Full(committed), Rows.Full(after));
    }

    [Fact]
    public async Task Reads_MutatingReturnedEntryAndSuspectList_DoesNotMutateStoredState()
    {
        var (table, other) = Handles(NewClusterId());
        var entry = Rows.Entry();
        var committed = await InsertAsync(table, entry);
        var expected = Rows.Full(committed);

        var read = await table.ReadAllAsync(None);
        var returned = Rows.Row(read, entry.SiloAddress).Item1;
        returned.Status = SiloStatus.Dead;
        returned.SuspectTimes!.Clear();
        returned.HostName = "mutated";
        var point = Assert.Single((await table.ReadRowAsync(entry.SiloAddress, None)).Members).Item1;
        point.SuspectTimes!.Add(Tuple.Create(Rows.NewSilo(), Rows.T0));
        point.RoleName = "mutated";

        Assert.Equal(expected, Rows.Full(await table.ReadAllAsync(None)));
        Assert.Equal(expected, Rows.Full(await other.ReadAllAsync(None)));
    }
}
