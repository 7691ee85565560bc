using Orleans.Partisan.Clustering.Table;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>The replicated state machine alone: retries apply once, snapshots restore the same state, ETags are never reused.</summary>
public sealed class MembershipTableStateTests
{
    private const string Cluster = "state";

    private static InsertRowCommand Insert(MembershipEntry entry, TableVersion version, Guid? id = null)
        => new() { CommandId = id ?? Guid.NewGuid(), ClusterId = Cluster, Entry = entry, Version = version };

    [Fact]
    public void Apply_RetriedCommandId_ReturnsFirstResultAndAppliesOnce()
    {
        var state = new MembershipTableState();
        var id = Guid.NewGuid();
        var entry = Rows.Entry();
        var empty = state.ReadAll(Cluster);

        Assert.True(state.Apply(Insert(entry, empty.Version.Next(), id)));
        var once = state.ReadAll(Cluster);
        Assert.True(state.Apply(Insert(entry, empty.Version.Next(), id)), "a retry of a committed insert must report its first result");
        Assert.Equal(Rows.Full(once), Rows.Full(state.ReadAll(Cluster)));
        Assert.False(state.Apply(Insert(entry, empty.Version.Next())), "a different command with spent tokens committed");
    }

    [Fact]
    public void Snapshot_RoundTripThroughSerializer_RestoresRowsVersionsAndRememberedResults()
    {
        var state = new MembershipTableState();
        var retried = Guid.NewGuid();
        var first = Rows.Entry();
        Assert.True(state.Apply(Insert(first, state.ReadAll(Cluster).Version.Next(), retried)));
        Assert.True(state.Apply(Insert(Rows.Entry(), state.ReadAll(Cluster).Version.Next())));
        Assert.True(state.Apply(new UpdateIAmAliveCommand { CommandId = Guid.NewGuid(), ClusterId = Cluster, SiloAddress = first.SiloAddress, IAmAliveTime = Rows.T0.AddHours(1) }));
        Assert.True(state.Apply(new InitializeTableCommand { CommandId = Guid.NewGuid(), ClusterId = "other" }));

        var serializer = SeedGroup.Serializer;
        var restored = new MembershipTableState(serializer.Deserialize<TableSnapshot>(serializer.SerializeToArray(state.ToSnapshot()))!);

        Assert.Equal(Rows.Full(state.ReadAll(Cluster)), Rows.Full(restored.ReadAll(Cluster)));
        Assert.Equal(Rows.Full(state.ReadAll("other")), Rows.Full(restored.ReadAll("other")));
        Assert.True(restored.TryGetResult(retried, out var result) && result, "the restored state forgot a command's result");

        var next = Rows.Entry();
        var version = state.ReadAll(Cluster).Version.Next();
        Assert.Equal(state.Apply(Insert(next, version, Guid.Parse("00000000-0000-0000-0000-000000000001"))), restored.Apply(Insert(next, version, Guid.Parse("00000000-0000-0000-0000-000000000001"))));
        Assert.Equal(Rows.Full(state.ReadAll(Cluster)), Rows.Full(restored.ReadAll(Cluster)));
    }

    [Fact]
    public void Delete_ThenRecreate_NeverReusesTheTableEtag()
    {
        var state = new MembershipTableState();
        var seen = new HashSet<string> { state.ReadAll(Cluster).Version.VersionEtag };
        for (var round = 0; round < 3; round++)
        {
            Assert.True(state.Apply(Insert(Rows.Entry(), state.ReadAll(Cluster).Version.Next())));
            Assert.True(seen.Add(state.ReadAll(Cluster).Version.VersionEtag), "a table ETag was issued twice");
            state.Apply(new DeleteTableCommand { CommandId = Guid.NewGuid(), ClusterId = Cluster });
            var deleted = state.ReadAll(Cluster);
            Assert.Equal(0, deleted.Version.Version);
            Assert.Empty(deleted.Members);
            Assert.True(seen.Add(deleted.Version.VersionEtag), "a deleted table restarted with an ETag seen before");
        }
    }

    [Fact]
    public void RememberedResults_AreBounded()
    {
        var state = new MembershipTableState();
        var first = Guid.NewGuid();
        var silo = Rows.NewSilo();
        state.Apply(new UpdateIAmAliveCommand { CommandId = first, ClusterId = Cluster, SiloAddress = silo, IAmAliveTime = Rows.T0 });
        for (var i = 0; i < MembershipTableState.RememberedResults; i++)
        {
            state.Apply(new UpdateIAmAliveCommand { CommandId = Guid.NewGuid(), ClusterId = Cluster, SiloAddress = silo, IAmAliveTime = Rows.T0 });
        }

        Assert.False(state.TryGetResult(first, out _), "the oldest result should have been forgotten");
        Assert.Equal(MembershipTableState.RememberedResults, state.ToSnapshot().RecentResults.Count);
    }

    [Fact]
    public void UpdateRow_WithNullVersion_ReturnsFalse()
    {
        var state = new MembershipTableState();
        var entry = Rows.Entry();
        Assert.True(state.Apply(Insert(entry, state.ReadAll(Cluster).Version.Next())));
        var etag = Rows.Row(state.ReadAll(Cluster), entry.SiloAddress).Item2;
        Assert.False(state.Apply(new UpdateRowCommand { CommandId = Guid.NewGuid(), ClusterId = Cluster, Entry = Rows.With(entry, e => e.Status = SiloStatus.Active), Etag = etag, Version = null! }));
    }
}
