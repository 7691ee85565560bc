using Orleans.Concurrency;
using Orleans.Partisan;

namespace ReplicatedKeyValue;

/// <summary>
/// The replicated map's handler on one silo. Pinned to its silo (one activation per silo, keyed by the
/// silo's address), in memory: a restarted silo starts empty and catches up through
/// <see cref="Exchange"/>.
/// </summary>
/// <remarks>
/// Reentrant, so that two silos exchanging with each other at the same moment do not wait on each
/// other; every method changes the map within one turn, so interleaving cannot tear an update.
/// </remarks>
[SiloPinnedPlacement]
[Reentrant]
public sealed class ReplicatedKeyValueGrain : Grain, IReplicatedKeyValue
{
    private readonly Dictionary<string, KeyValueEntry> _entries = new(StringComparer.Ordinal);
    private long _counter;

    /// <inheritdoc />
    public Task<BroadcastData> BroadcastData(object message)
    {
        if (message is not KeyValueWrite write)
        {
            throw new ArgumentException($"{nameof(ReplicatedKeyValueGrain)} broadcasts {nameof(KeyValueWrite)}s, not {message?.GetType().Name ?? "null"}.", nameof(message));
        }

        var version = new KeyValueVersion(write.Key, ++_counter, this.GetPrimaryKeyString());
        return Task.FromResult(new BroadcastData(version, new KeyValueEntry(write.Key, write.Value, version)));
    }

    /// <inheritdoc />
    public Task<bool> Merge(object messageId, object payload) => Task.FromResult(payload is KeyValueEntry entry && Apply(entry));

    /// <inheritdoc />
    public Task<bool> IsStale(object messageId)
        => Task.FromResult(messageId is KeyValueVersion version && _entries.TryGetValue(version.Key, out var current) && !version.IsNewerThan(current.Version));

    /// <inheritdoc />
    public Task<BroadcastGraftResult> Graft(object messageId)
    {
        // Give what this silo has for the key if it is at least as new as what was asked for: a newer write supersedes it.
        if (messageId is KeyValueVersion version && _entries.TryGetValue(version.Key, out var current) && !version.IsNewerThan(current.Version))
        {
            return Task.FromResult(BroadcastGraftResult.Found(current));
        }

        return Task.FromResult(BroadcastGraftResult.Stale);
    }

    /// <inheritdoc />
    public async Task Exchange(NodeName peer)
    {
        // Compare digests, pull what the peer has newer, push what this silo has newer.
        var remote = GrainFactory.GetBroadcastHandler<IReplicatedKeyValue>(peer);
        var theirs = (await remote.GetVersions()).ToDictionary(v => v.Key, StringComparer.Ordinal);
        var wanted = theirs.Values.Where(v => !_entries.TryGetValue(v.Key, out var mine) || v.IsNewerThan(mine.Version)).Select(v => v.Key).ToList();
        var toPush = _entries.Values.Where(e => e.Version.IsNewerThan(theirs.GetValueOrDefault(e.Key))).ToList();
        if (wanted.Count > 0)
        {
            foreach (var entry in await remote.GetEntries(wanted))
            {
                Apply(entry);
            }
        }

        if (toPush.Count > 0)
        {
            await remote.MergeEntries(toPush);
        }
    }

    /// <inheritdoc />
    public Task<string?> Get(string key) => Task.FromResult(_entries.TryGetValue(key, out var entry) ? entry.Value : null);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, string>> GetAll()
        => Task.FromResult<IReadOnlyDictionary<string, string>>(_entries.Values.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));

    /// <inheritdoc />
    public Task<IReadOnlyList<KeyValueVersion>> GetVersions() => Task.FromResult<IReadOnlyList<KeyValueVersion>>([.. _entries.Values.Select(e => e.Version)]);

    /// <inheritdoc />
    public Task<IReadOnlyList<KeyValueEntry>> GetEntries(IReadOnlyList<string> keys)
        => Task.FromResult<IReadOnlyList<KeyValueEntry>>([.. keys.Select(k => _entries.GetValueOrDefault(k)).OfType<KeyValueEntry>()]);

    /// <inheritdoc />
    public Task<int> MergeEntries(IReadOnlyList<KeyValueEntry> entries) => Task.FromResult(entries.Count(Apply));

    private bool Apply(KeyValueEntry entry)
    {
        _counter = Math.Max(_counter, entry.Version.Counter);
        if (_entries.TryGetValue(entry.Key, out var current) && !entry.Version.IsNewerThan(current.Version))
        {
            return false;
        }

        _entries[entry.Key] = entry;
        return true;
    }
}
