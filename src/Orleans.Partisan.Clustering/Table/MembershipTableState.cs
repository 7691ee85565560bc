using System.Globalization;

namespace Orleans.Partisan.Clustering.Table;

/// <summary>
/// The replicated state machine: every cluster's membership table, changed only by <see cref="Apply"/>.
/// Pure and deterministic (no clock, no randomness, no I/O): every seed applying the same commands in the same
/// order holds the same state and returns the same results. Not thread-safe; the owner serialises access.
/// </summary>
internal sealed class MembershipTableState
{
    /// <summary>How many command results are remembered for retries.</summary>
    internal const int RememberedResults = 4096;

    /// <summary>The ETag of a table that was never created.</summary>
    internal const string AbsentTableEtag = "0";

    private readonly Dictionary<string, TablePartition> _partitions;
    private readonly Dictionary<Guid, bool> _results = [];
    private readonly Queue<Guid> _resultOrder = new();
    private long _lastEtag;

    /// <summary>An empty state: no tables.</summary>
    public MembershipTableState()
        : this(new TableSnapshot())
    {
    }

    /// <summary>The state a snapshot describes.</summary>
    public MembershipTableState(TableSnapshot snapshot)
    {
        _partitions = new Dictionary<string, TablePartition>(snapshot.Partitions, StringComparer.Ordinal);
        _lastEtag = snapshot.LastEtag;
        foreach (var (id, result) in snapshot.RecentResults)
        {
            Remember(id, result);
        }
    }

    /// <summary>Applies <paramref name="command"/> and returns its result (false: a condition did not hold, nothing changed).</summary>
    public bool Apply(TableCommand command)
    {
        if (_results.TryGetValue(command.CommandId, out var earlier))
        {
            return earlier;
        }

        var result = command switch
        {
            InsertRowCommand insert => Insert(insert),
            UpdateRowCommand update => Update(update),
            UpdateIAmAliveCommand alive => IAmAlive(alive),
            CleanupDefunctCommand cleanup => Cleanup(cleanup),
            DeleteTableCommand delete => Delete(delete),
            InitializeTableCommand init => Initialize(init),
            _ => throw new ArgumentException($"Unknown table command {command.GetType().Name}.", nameof(command)),
        };
        Remember(command.CommandId, result);
        return result;
    }

    /// <summary>The result of a remembered command.</summary>
    public bool TryGetResult(Guid commandId, out bool result) => _results.TryGetValue(commandId, out result);

    /// <summary>A copy of <paramref name="clusterId"/>'s whole table.</summary>
    public MembershipTableData ReadAll(string clusterId)
    {
        if (!_partitions.TryGetValue(clusterId, out var partition))
        {
            return new MembershipTableData(new TableVersion(0, AbsentTableEtag));
        }

        var rows = partition.Rows.Values
            .OrderBy(r => r.Entry.SiloAddress)
            .Select(r => Tuple.Create(MembershipEntryCopy.Clone(r.Entry), r.Etag))
            .ToList();
        return new MembershipTableData(rows, new TableVersion(partition.Version, partition.VersionEtag));
    }

    /// <summary>A copy of one row of <paramref name="clusterId"/>'s table (none when absent) with the table version.</summary>
    public MembershipTableData ReadRow(string clusterId, SiloAddress silo)
    {
        if (!_partitions.TryGetValue(clusterId, out var partition))
        {
            return new MembershipTableData(new TableVersion(0, AbsentTableEtag));
        }

        var version = new TableVersion(partition.Version, partition.VersionEtag);
        return partition.Rows.TryGetValue(silo, out var row)
            ? new MembershipTableData(Tuple.Create(MembershipEntryCopy.Clone(row.Entry), row.Etag), version)
            : new MembershipTableData(version);
    }

    /// <summary>The whole state as a snapshot (deep: later commands do not change it).</summary>
    public TableSnapshot ToSnapshot() => new()
    {
        Partitions = _partitions.ToDictionary(
            p => p.Key,
            p => new TablePartition
            {
                Version = p.Value.Version,
                VersionEtag = p.Value.VersionEtag,
                Rows = p.Value.Rows.ToDictionary(r => r.Key, r => new StoredRow { Entry = MembershipEntryCopy.Clone(r.Value.Entry), Etag = r.Value.Etag }),
            },
            StringComparer.Ordinal),
        LastEtag = _lastEtag,
        RecentResults = _resultOrder.Select(id => new KeyValuePair<Guid, bool>(id, _results[id])).ToList(),
    };

    private bool Insert(InsertRowCommand c)
    {
        var partition = _partitions.GetValueOrDefault(c.ClusterId);
        if (!IsNextVersion(partition, c.Version) || (partition?.Rows.ContainsKey(c.Entry.SiloAddress) ?? false))
        {
            return false;
        }

        partition ??= _partitions[c.ClusterId] = new TablePartition();
        partition.Rows[c.Entry.SiloAddress] = new StoredRow { Entry = MembershipEntryCopy.Clone(c.Entry), Etag = NextEtag() };
        Commit(partition, c.Version);
        return true;
    }

    private bool Update(UpdateRowCommand c)
    {
        var partition = _partitions.GetValueOrDefault(c.ClusterId);
        if (partition is null
            || !IsNextVersion(partition, c.Version)
            || !partition.Rows.TryGetValue(c.Entry.SiloAddress, out var row)
            || !string.Equals(row.Etag, c.Etag, StringComparison.Ordinal))
        {
            return false;
        }

        partition.Rows[c.Entry.SiloAddress] = new StoredRow { Entry = MembershipEntryCopy.Clone(c.Entry), Etag = NextEtag() };
        Commit(partition, c.Version);
        return true;
    }

    private bool IAmAlive(UpdateIAmAliveCommand c)
    {
        if (!_partitions.TryGetValue(c.ClusterId, out var partition) || !partition.Rows.TryGetValue(c.SiloAddress, out var row))
        {
            return false;
        }

        var entry = MembershipEntryCopy.Clone(row.Entry);
        entry.IAmAliveTime = c.IAmAliveTime;
        partition.Rows[c.SiloAddress] = new StoredRow { Entry = entry, Etag = row.Etag };
        return true;
    }

    private bool Cleanup(CleanupDefunctCommand c)
    {
        if (!_partitions.TryGetValue(c.ClusterId, out var partition))
        {
            return false;
        }

        var cutoff = c.Cutoff.UtcDateTime;
        var defunct = partition.Rows
            .Where(r => r.Value.Entry.Status == SiloStatus.Dead && LastUpdate(r.Value.Entry) < cutoff)
            .Select(r => r.Key)
            .ToList();
        foreach (var silo in defunct)
        {
            partition.Rows.Remove(silo);
        }

        return defunct.Count > 0;
    }

    private bool Delete(DeleteTableCommand c)
    {
        var existed = _partitions.ContainsKey(c.ClusterId);
        _partitions[c.ClusterId] = new TablePartition { Version = 0, VersionEtag = NextEtag() };
        return existed;
    }

    private bool Initialize(InitializeTableCommand c)
    {
        if (_partitions.ContainsKey(c.ClusterId))
        {
            return false;
        }

        _partitions[c.ClusterId] = new TablePartition { Version = 0, VersionEtag = NextEtag() };
        return true;
    }

    private static bool IsNextVersion(TablePartition? partition, TableVersion proposed)
    {
        var (version, etag) = partition is null ? (0, AbsentTableEtag) : (partition.Version, partition.VersionEtag);
        return proposed is not null
            && proposed.Version == version + 1
            && string.Equals(proposed.VersionEtag, etag, StringComparison.Ordinal);
    }

    private void Commit(TablePartition partition, TableVersion proposed)
    {
        partition.Version = proposed.Version;
        partition.VersionEtag = NextEtag();
    }

    /// <summary>The later of the row's start and IAmAlive times, both taken as UTC.</summary>
    private static DateTime LastUpdate(MembershipEntry e)
    {
        var alive = DateTime.SpecifyKind(e.IAmAliveTime, DateTimeKind.Utc);
        var start = DateTime.SpecifyKind(e.StartTime, DateTimeKind.Utc);
        return alive > start ? alive : start;
    }

    private string NextEtag() => (++_lastEtag).ToString(CultureInfo.InvariantCulture);

    private void Remember(Guid id, bool result)
    {
        if (!_results.TryAdd(id, result))
        {
            return;
        }

        _resultOrder.Enqueue(id);
        if (_resultOrder.Count > RememberedResults)
        {
            _results.Remove(_resultOrder.Dequeue());
        }
    }
}
