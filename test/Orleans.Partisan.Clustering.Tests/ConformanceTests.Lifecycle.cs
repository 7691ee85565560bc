namespace Orleans.Partisan.Clustering.Tests;

public sealed partial class ConformanceTests
{
    [Fact]
    public async Task InitializeMembershipTable_RepeatedWithData_PreservesCommittedState()
    {
        var clusterId = NewClusterId();
        var (table, other) = Handles(clusterId);
        await table.InitializeMembershipTableAsync(true, None);
        await InsertAsync(table, Rows.Entry());
        var committed = await InsertAsync(other, Rows.Entry());

        await Task.WhenAll(
            table.InitializeMembershipTableAsync(true, None),
            other.InitializeMembershipTableAsync(true, None),
            Group.Handle(clusterId, firstSeed: 2).InitializeMembershipTableAsync(true, None));
        await Group.Handle(clusterId).InitializeMembershipTableAsync(false, None);

        await AssertUnchangedAsync(table, committed, "repeated InitializeMembershipTable");
        Assert.True(await table.InsertRowAsync(Rows.Entry(), committed.Version.Next(), None), "tokens read before re-initialization stopped working");
    }

    [Fact]
    public async Task Clusters_SharedBackendWithOverlappingSiloAddresses_AreIsolated()
    {
        var clusterId = NewClusterId();
        var mine = Group.Handle(clusterId, firstSeed: 0);
        var theirs = Group.Handle(clusterId + "-other");
        var silo = Rows.NewSilo();
        var myRow = Rows.Entry(silo);
        var theirRow = Rows.With(Rows.Entry(silo), e => { e.Status = SiloStatus.Active; e.HostName = "their-host"; });

        var myData = await InsertAsync(mine, myRow);
        var theirData = await InsertAsync(theirs, theirRow);
        Assert.Equal(1, myData.Version.Version);
        Assert.Equal(1, theirData.Version.Version);
        Assert.Equal(Rows.Canonical(myRow), Rows.Canonical(Assert.Single((await mine.ReadAllAsync(None)).Members).Item1));
        Assert.Equal(Rows.Canonical(theirRow), Rows.Canonical(Assert.Single((await theirs.ReadAllAsync(None)).Members).Item1));

        var (row, etag) = Rows.Row(myData, silo);
        Assert.True(await mine.UpdateRowAsync(Rows.With(row, e => e.Status = SiloStatus.Dead), etag, myData.Version.Next(), None));
        await AssertUnchangedAsync(theirs, theirData, "a commit in another cluster");

        var mineNow = await mine.ReadAllAsync(None);
        var myEtag = Rows.Row(mineNow, silo).Item2;
        Assert.False(await theirs.UpdateRowAsync(theirRow, myEtag, mineNow.Version.Next(), None), "another cluster's tokens committed");
        await AssertUnchangedAsync(theirs, theirData, "an update with another cluster's tokens");
        await mine.CleanupDefunctSiloEntriesAsync(Rows.T0.AddDays(1), None);
        await AssertUnchangedAsync(theirs, theirData, "a cleanup in another cluster");
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyStrictlyOldDeadRows()
    {
        var (table, cleaner) = Handles(NewClusterId());
        var cutoff = Rows.T0;
        MembershipEntry Row(SiloStatus status, DateTime alive) => Rows.With(Rows.Entry(status: status), e => { e.StartTime = cutoff.AddDays(-10); e.IAmAliveTime = alive; });
        var deadOld = Row(SiloStatus.Dead, cutoff.AddSeconds(-1));
        var deadAtCutoff = Row(SiloStatus.Dead, cutoff);
        var deadNew = Row(SiloStatus.Dead, cutoff.AddHours(1));
        var oldOthers = Enum.GetValues<SiloStatus>().Where(s => s != SiloStatus.Dead).Select(s => Row(s, cutoff.AddDays(-9))).ToList();
        foreach (var row in new[] { deadOld, deadAtCutoff, deadNew }.Concat(oldOthers))
        {
            await InsertAsync(table, row);
        }

        var before = await table.ReadAllAsync(None);
        await cleaner.CleanupDefunctSiloEntriesAsync(cutoff, None);
        var after = await table.ReadAllAsync(None);
        Assert.Equal(before.Version, after.Version);
        Assert.Null(after.TryGet(deadOld.SiloAddress));
        Assert.Equal(before.Members.Count - 1, after.Members.Count);
        foreach (var kept in after.Members)
        {
            Assert.Equal(Rows.Canonical(Rows.Row(before, kept.Item1.SiloAddress).Item1), Rows.Canonical(kept.Item1));
        }

        await cleaner.CleanupDefunctSiloEntriesAsync(cutoff, None);
        await AssertUnchangedAsync(table, after, "a repeated cleanup with the same cutoff");

        await cleaner.CleanupDefunctSiloEntriesAsync(cutoff.AddTicks(1), None);
        var later = await table.ReadAllAsync(None);
        Assert.Null(later.TryGet(deadAtCutoff.SiloAddress));
        Assert.NotNull(later.TryGet(deadNew.SiloAddress));
        Assert.Equal(after.Members.Count - 1, later.Members.Count);
        Assert.Equal(after.Version, later.Version);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_DeletesOwnClusterAndPreservesOtherCluster()
    {
        var clusterId = NewClusterId();
        var mine = Group.Handle(clusterId, firstSeed: 0);
        var theirs = Group.Handle(clusterId + "-other");
        await InsertAsync(mine, Rows.Entry());
        var myData = await InsertAsync(mine, Rows.Entry());
        await InsertAsync(theirs, Rows.Entry());
        var theirData = await InsertAsync(theirs, Rows.Entry());

        await mine.DeleteMembershipTableEntriesAsync(clusterId, None);
        var deleted = await Group.Handle(clusterId).ReadAllAsync(None);
        Assert.Empty(deleted.Members);
        Assert.Equal(0, deleted.Version.Version);
        await AssertUnchangedAsync(theirs, theirData, "deleting another cluster's entries");
        Assert.False(await mine.InsertRowAsync(Rows.Entry(), myData.Version.Next(), None), "a token from before the deletion committed");
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_DifferentClusterId_NeverDeletesConfiguredCluster()
    {
        var clusterId = NewClusterId();
        var mine = Group.Handle(clusterId, firstSeed: 0);
        var foreign = Group.Handle(clusterId + "-foreign");
        await InsertAsync(mine, Rows.Entry());
        var myData = await InsertAsync(mine, Rows.Entry());
        await InsertAsync(foreign, Rows.Entry());

        await mine.DeleteMembershipTableEntriesAsync(clusterId + "-unused", None);
        await AssertUnchangedAsync(mine, myData, "deleting an unused cluster id");

        await mine.DeleteMembershipTableEntriesAsync(clusterId + "-foreign", None);
        await AssertUnchangedAsync(mine, myData, "deleting a foreign cluster id");
        Assert.Empty((await foreign.ReadAllAsync(None)).Members);

        await Assert.ThrowsAsync<ArgumentException>(() => mine.DeleteMembershipTableEntriesAsync(string.Empty, None));
        await AssertUnchangedAsync(mine, myData, "deleting a blank cluster id");
    }
}
