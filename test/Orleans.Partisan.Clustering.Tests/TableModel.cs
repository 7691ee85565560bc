namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// The simplest model of a membership table the model-based test compares against: a version number, rows by silo
/// address, and a revision per row write (a row token is current when it was read at the row's current revision).
/// </summary>
internal sealed class TableModel
{
    private int _revisions;

    /// <summary>The table version.</summary>
    public int Version { get; private set; }

    /// <summary>The rows: canonical entry, heartbeat and revision of the last row write.</summary>
    public Dictionary<SiloAddress, (MembershipEntry Entry, DateTime Alive, int Revision)> Rows { get; } = [];

    /// <summary>What a read at this moment remembers for later conditional writes.</summary>
    public ModelSnapshot Snapshot(MembershipTableData data)
        => new(data, Version, Rows.ToDictionary(r => r.Key, r => r.Value.Revision));

    /// <summary>Predicts and applies an insert with tokens from <paramref name="snapshot"/>.</summary>
    public bool Insert(MembershipEntry entry, ModelSnapshot snapshot)
    {
        if (snapshot.Version != Version || Rows.ContainsKey(entry.SiloAddress))
        {
            return false;
        }

        Rows[entry.SiloAddress] = (entry, entry.IAmAliveTime, ++_revisions);
        Version++;
        return true;
    }

    /// <summary>Predicts and applies an update with tokens from <paramref name="snapshot"/>.</summary>
    public bool Update(MembershipEntry entry, ModelSnapshot snapshot)
    {
        if (snapshot.Version != Version
            || !Rows.TryGetValue(entry.SiloAddress, out var current)
            || !snapshot.Revisions.TryGetValue(entry.SiloAddress, out var readRevision)
            || readRevision != current.Revision)
        {
            return false;
        }

        Rows[entry.SiloAddress] = (entry, entry.IAmAliveTime, ++_revisions);
        Version++;
        return true;
    }

    /// <summary>Applies a heartbeat: the row's liveness only.</summary>
    public void IAmAlive(SiloAddress silo, DateTime alive)
    {
        if (Rows.TryGetValue(silo, out var row))
        {
            Rows[silo] = (row.Entry, alive, row.Revision);
        }
    }

    /// <summary>Removes Dead rows whose later of start and heartbeat is strictly before <paramref name="cutoff"/>.</summary>
    public void Cleanup(DateTime cutoff)
    {
        foreach (var silo in Rows.Where(r => r.Value.Entry.Status == SiloStatus.Dead && Max(r.Value.Entry.StartTime, r.Value.Alive) < cutoff).Select(r => r.Key).ToList())
        {
            Rows.Remove(silo);
        }
    }

    /// <summary>The rows as the test renders a read: canonical fields plus heartbeat, sorted.</summary>
    public string View() => string.Join(" ; ", Rows.Values.Select(r => $"{Tests.Rows.Canonical(r.Entry)}|alive={r.Alive:O}").Order(StringComparer.Ordinal));

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}

/// <summary>A read's real data with the model version and row revisions it corresponds to.</summary>
internal sealed record ModelSnapshot(MembershipTableData Data, int Version, Dictionary<SiloAddress, int> Revisions);
