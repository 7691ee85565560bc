using Orleans.Partisan.Clustering.Membership;

namespace Orleans.Partisan.Clustering.Tests;

public sealed partial class ConformanceTests
{
    [Fact]
    public async Task ConcurrentCrossRowUpdates_SharedTableVersion_HaveExactlyOneWinner()
    {
        var clusterId = NewClusterId();
        var onSeed = Group.Handle(clusterId, firstSeed: 1);
        var onOtherSilo = Group.Handle(clusterId);
        var first = Rows.Entry();
        var second = Rows.Entry();
        await InsertAsync(onSeed, first);
        await InsertAsync(onOtherSilo, second);

        for (var round = 0; round < 5; round++)
        {
            var seenBySeed = await onSeed.ReadAllAsync(None);
            var seenByOther = await onOtherSilo.ReadAllAsync(None);
            Assert.Equal(seenBySeed.Version, seenByOther.Version);

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var status = round % 2 == 0 ? SiloStatus.Active : SiloStatus.Joining;
            var (rowA, etagA) = Rows.Row(seenBySeed, first.SiloAddress);
            var (rowB, etagB) = Rows.Row(seenByOther, second.SiloAddress);
            var racerA = Task.Run(async () => { await start.Task; return await onSeed.UpdateRowAsync(Rows.With(rowA, e => e.Status = status), etagA, seenBySeed.Version.Next(), None); });
            var racerB = Task.Run(async () => { await start.Task; return await onOtherSilo.UpdateRowAsync(Rows.With(rowB, e => e.Status = status), etagB, seenByOther.Version.Next(), None); });
            start.SetResult();
            var results = await Task.WhenAll(racerA, racerB);

            Assert.True(results.Count(r => r) == 1, $"round {round}: expected exactly one winner, got [{string.Join(", ", results)}]");
            var after = await onSeed.ReadAllAsync(None);
            Assert.Equal(seenBySeed.Version.Version + 1, after.Version.Version);
            var winner = results[0] ? first.SiloAddress : second.SiloAddress;
            var loser = results[0] ? second.SiloAddress : first.SiloAddress;
            Assert.Equal(status, Rows.Row(after, winner).Item1.Status);
            Assert.Equal(Rows.Canonical(Rows.Row(seenBySeed, loser).Item1), Rows.Canonical(Rows.Row(after, loser).Item1));
        }
    }

    [Fact]
    public async Task ConcurrentReadAll_ReturnsOnlyAtomicCommittedViews()
    {
        var (writer, reader) = Handles(NewClusterId());
        var history = await RunWriterWithReadersAsync(writer, [reader, Group.Handle(writer.ClusterId, firstSeed: 2)], async (table, _) =>
        {
            var data = await table.ReadAllAsync(None);
            return (data.Version.Version, Rows.CanonicalView(data));
        });
        history.AssertObservationsCommitted("ReadAll");
    }

    [Fact]
    public async Task ConcurrentReadRow_ReturnsOnlyAtomicCommittedViews()
    {
        var (writer, reader) = Handles(NewClusterId());
        var history = await RunWriterWithReadersAsync(writer, [reader, Group.Handle(writer.ClusterId, firstSeed: 2)], async (table, watched) =>
        {
            var data = await table.ReadRowAsync(watched, None);
            return (data.Version.Version, data.Members.Count == 0 ? "absent" : Rows.Canonical(Assert.Single(data.Members).Item1));
        });
        history.AssertObservationsCommitted("ReadRow");
    }

    /// <summary>
    /// Commits a known sequence (inserts, forward status changes to Dead, then a cleanup that removes the Dead rows at
    /// an unchanged version) while readers read in a loop; returns every committed view and every observation.
    /// </summary>
    private static async Task<CommittedHistory> RunWriterWithReadersAsync(
        PartisanMembershipTable writer,
        IReadOnlyList<PartisanMembershipTable> readers,
        Func<PartisanMembershipTable, SiloAddress, Task<(int Version, string View)>> observe)
    {
        var rows = Enumerable.Range(0, 3).Select(_ => Rows.Entry()).ToList();
        var watched = rows[0].SiloAddress;
        var history = new CommittedHistory(watched);
        var model = new Dictionary<SiloAddress, MembershipEntry>();
        history.Commit(0, model);

        using var done = new CancellationTokenSource();
        var readerTasks = readers.Select(r => Task.Run(async () =>
        {
            var seen = new List<(int Version, string View)>();
            while (!done.IsCancellationRequested)
            {
                seen.Add(await observe(r, watched));
            }

            seen.Add(await observe(r, watched));
            return seen;
        })).ToList();

        foreach (var row in rows)
        {
            var data = await writer.ReadAllAsync(None);
            Assert.True(await writer.InsertRowAsync(row, data.Version.Next(), None));
            model[row.SiloAddress] = row;
            history.Commit(data.Version.Version + 1, model);
        }

        foreach (var status in new[] { SiloStatus.Active, SiloStatus.ShuttingDown, SiloStatus.Dead })
        {
            foreach (var row in rows)
            {
                var data = await writer.ReadAllAsync(None);
                var (current, etag) = Rows.Row(data, row.SiloAddress);
                var next = Rows.With(current, e => e.Status = status);
                Assert.True(await writer.UpdateRowAsync(next, etag, data.Version.Next(), None));
                model[row.SiloAddress] = next;
                history.Commit(data.Version.Version + 1, model);
            }
        }

        var final = await writer.ReadAllAsync(None);
        await writer.CleanupDefunctSiloEntriesAsync(Rows.T0.AddDays(1), None);
        model.Clear();
        history.Commit(final.Version.Version, model);
        await done.CancelAsync();
        foreach (var seen in await Task.WhenAll(readerTasks))
        {
            history.Observed(seen);
        }

        return history;
    }

    /// <summary>Committed views by version (cleanup adds a second view at the same version) and readers' observations.</summary>
    private sealed class CommittedHistory(SiloAddress watched)
    {
        private readonly Dictionary<int, HashSet<string>> _views = [];
        private readonly Dictionary<int, HashSet<string>> _rowViews = [];
        private readonly List<List<(int Version, string View)>> _observations = [];

        public void Commit(int version, Dictionary<SiloAddress, MembershipEntry> model)
        {
            var view = string.Join(" ; ", model.Values.Select(Rows.Canonical).Order(StringComparer.Ordinal));
            Add(_views, version, view);
            Add(_rowViews, version, model.TryGetValue(watched, out var row) ? Rows.Canonical(row) : "absent");
        }

        public void Observed(List<(int Version, string View)> seen) => _observations.Add(seen);

        public void AssertObservationsCommitted(string operation)
        {
            var reads = 0;
            foreach (var seen in _observations)
            {
                var lastVersion = -1;
                foreach (var (version, view) in seen)
                {
                    reads++;
                    Assert.True(version >= lastVersion, $"{operation} went back from version {lastVersion} to {version}");
                    lastVersion = version;
                    var allowed = (operation == "ReadRow" ? _rowViews : _views).GetValueOrDefault(version) ?? [];
                    Assert.True(allowed.Contains(view), $"{operation} returned a view at version {version} that was never committed: {view}\ncommitted: {string.Join(" | ", allowed)}");
                }
            }

            Assert.True(reads > _observations.Count, $"expected the readers to read while the writer ran, saw {reads} reads");
        }

        private static void Add(Dictionary<int, HashSet<string>> map, int version, string view)
        {
            if (!map.TryGetValue(version, out var set))
            {
                map[version] = set = [];
            }

            set.Add(view);
        }
    }
}
