using System.Globalization;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// Seeded random sequences of inserts, updates with current and stale tokens, heartbeats, point and full reads and
/// cleanups, from handles on a seed and on a non-seed silo, each result compared with <see cref="TableModel"/>.
/// A failure names its seed; set <c>PARTISAN_SIM_SEED</c> to replay that one seed.
/// </summary>
public sealed class ModelBasedTests(SeedGroupFixture fixture) : IClassFixture<SeedGroupFixture>
{
    private const int Steps = 150;
    private static readonly int[] DefaultSeeds = [11, 23, 37];

    [Fact]
    public async Task RandomOperationSequences_MatchInMemoryModel()
    {
        var replay = Environment.GetEnvironmentVariable("PARTISAN_SIM_SEED");
        var seeds = replay is null ? DefaultSeeds : [int.Parse(replay, CultureInfo.InvariantCulture)];
        foreach (var seed in seeds)
        {
            var step = 0;
            try
            {
                await RunAsync(seed, s => step = s);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Model-based run failed with seed {seed} at step {step} (replay: PARTISAN_SIM_SEED={seed}): {e.Message}", e);
            }
        }
    }

    private async Task RunAsync(int seed, Action<int> progress)
    {
        var random = new Random(seed);
        var clusterId = $"model-{seed}-{Guid.NewGuid():N}";
        IMembershipTable[] handles = [fixture.Group.Handle(clusterId, firstSeed: random.Next(3)), fixture.Group.Handle(clusterId)];
        var model = new TableModel();
        var endpoints = Enumerable.Range(0, 5).Select(_ => Rows.NewSilo()).ToList();
        var pool = endpoints.SelectMany(s => new[] { s, SiloAddress.New(s.Endpoint.Address, s.Endpoint.Port, 2) }).ToList();
        var snapshots = new List<ModelSnapshot>();
        var outcomes = new Dictionary<string, int>();
        void Count(string what) => outcomes[what] = outcomes.GetValueOrDefault(what) + 1;

        async Task ReadAllAsync(IMembershipTable table)
        {
            var data = await table.ReadAllAsync(CancellationToken.None);
            Assert.Equal(model.Version, data.Version.Version);
            var view = string.Join(" ; ", data.Members.Select(m => $"{Rows.Canonical(m.Item1)}|alive={m.Item1.IAmAliveTime.ToUniversalTime():O}").Order(StringComparer.Ordinal));
            Assert.Equal(model.View(), view);
            snapshots.Add(model.Snapshot(data));
        }

        ModelSnapshot PickSnapshot() => random.NextDouble() < 0.6 || snapshots.Count == 1
            ? snapshots[^1]
            : snapshots[Math.Max(0, snapshots.Count - 1 - random.Next(1, 6))];

        DateTime Time() => Rows.T0.AddSeconds(random.Next(0, 120));

        await ReadAllAsync(handles[0]);
        for (var step = 0; step < Steps; step++)
        {
            progress(step);
            var table = handles[random.Next(handles.Length)];
            var silo = pool[random.Next(pool.Count)];
            var roll = random.Next(100);
            if (roll < 20)
            {
                await ReadAllAsync(table);
            }
            else if (roll < 30)
            {
                var data = await table.ReadRowAsync(silo, CancellationToken.None);
                Assert.Equal(model.Version, data.Version.Version);
                Assert.Equal(
                    model.Rows.TryGetValue(silo, out var row) ? Rows.Canonical(row.Entry) : "absent",
                    data.Members.Count == 0 ? "absent" : Rows.Canonical(Assert.Single(data.Members).Item1));
            }
            else if (roll < 50)
            {
                var snapshot = PickSnapshot();
                var entry = Rows.With(Rows.Entry(silo), e => { e.StartTime = Time(); e.IAmAliveTime = Time(); });
                var expected = model.Insert(entry, snapshot);
                Count(expected ? "insert committed" : "insert refused");
                Assert.True(expected == await table.InsertRowAsync(entry, snapshot.Data.Version.Next(), CancellationToken.None), $"InsertRow of {silo} with tokens of version {snapshot.Data.Version}: expected {expected}");
            }
            else if (roll < 75)
            {
                var snapshot = PickSnapshot();
                var read = snapshot.Data.TryGet(silo);
                var etag = read?.Item2 ?? snapshot.Data.Members.FirstOrDefault()?.Item2 ?? "no-such-etag";
                var basis = read?.Item1 ?? Rows.Entry(silo);
                var entry = Rows.With(basis, e =>
                {
                    e.Status = (SiloStatus)new[] { SiloStatus.Joining, SiloStatus.Active, SiloStatus.ShuttingDown, SiloStatus.Dead }[random.Next(4)];
                    if (random.Next(2) == 0)
                    {
                        e.AddOrUpdateSuspector(pool[random.Next(pool.Count)], Time(), 5);
                    }

                    e.IAmAliveTime = Time();
                });
                var expected = model.Update(entry, snapshot);
                Count(expected ? "update committed" : "update refused");
                Assert.True(expected == await table.UpdateRowAsync(entry, etag, snapshot.Data.Version.Next(), CancellationToken.None), $"UpdateRow of {silo} with tokens of version {snapshot.Data.Version}: expected {expected}");
            }
            else if (roll < 88)
            {
                var alive = Time();
                await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = silo, IAmAliveTime = alive }, CancellationToken.None);
                model.IAmAlive(silo, alive);
            }
            else
            {
                var cutoff = Time();
                await table.CleanupDefunctSiloEntriesAsync(cutoff, CancellationToken.None);
                model.Cleanup(cutoff);
            }
        }

        await ReadAllAsync(handles[1]);
        var missing = new[] { "insert committed", "insert refused", "update committed", "update refused" }.Where(o => !outcomes.ContainsKey(o)).ToList();
        Assert.True(missing.Count == 0, $"the sequence never produced: {string.Join(", ", missing)}");
    }
}
