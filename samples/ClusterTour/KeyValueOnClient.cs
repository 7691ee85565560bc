using Orleans.Partisan;
using ReplicatedKeyValue;

namespace ClusterTour;

/// <summary>
/// The replicated key-value map on an Orleans client's overlay node: the client's handler of the broadcasts the silos'
/// <see cref="IReplicatedKeyValue"/> grains handle. A plain object, registered with
/// <c>clientBuilder.AddPartisanBroadcastHandler&lt;IReplicatedKeyValue, KeyValueOnClient&gt;()</c>; last writer wins, as on the silos.
/// </summary>
/// <remarks>Called from the client node's broadcast loop and read by the tour at the same time: every member takes the lock.</remarks>
public sealed class KeyValueOnClient : IPartisanClientBroadcastHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, KeyValueEntry> _entries = new(StringComparer.Ordinal);
    private long _counter;

    /// <summary>The client's copy of the map.</summary>
    public IReadOnlyDictionary<string, string> GetAll()
    {
        lock (_lock)
        {
            return _entries.Values.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        }
    }

    /// <inheritdoc />
    public Task<BroadcastData> BroadcastData(object message)
    {
        if (message is not KeyValueWrite write)
        {
            throw new ArgumentException($"{nameof(KeyValueOnClient)} broadcasts {nameof(KeyValueWrite)}s, not {message?.GetType().Name ?? "null"}.", nameof(message));
        }

        lock (_lock)
        {
            var version = new KeyValueVersion(write.Key, ++_counter, "client");
            return Task.FromResult(new BroadcastData(version, new KeyValueEntry(write.Key, write.Value, version)));
        }
    }

    /// <inheritdoc />
    public Task<bool> Merge(object messageId, object payload)
    {
        if (payload is not KeyValueEntry entry)
        {
            return Task.FromResult(false);
        }

        lock (_lock)
        {
            _counter = Math.Max(_counter, entry.Version.Counter);
            if (_entries.TryGetValue(entry.Key, out var current) && !entry.Version.IsNewerThan(current.Version))
            {
                return Task.FromResult(false);
            }

            _entries[entry.Key] = entry;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> IsStale(object messageId)
    {
        lock (_lock)
        {
            return Task.FromResult(messageId is KeyValueVersion version && _entries.TryGetValue(version.Key, out var current) && !version.IsNewerThan(current.Version));
        }
    }

    /// <inheritdoc />
    public Task<BroadcastGraftResult> Graft(object messageId)
    {
        lock (_lock)
        {
            return Task.FromResult(messageId is KeyValueVersion version && _entries.TryGetValue(version.Key, out var current) && !version.IsNewerThan(current.Version)
                ? BroadcastGraftResult.Found(current)
                : BroadcastGraftResult.Stale);
        }
    }

    /// <inheritdoc />
    /// <remarks>No anti-entropy on the client: it holds what was broadcast since it joined.</remarks>
    public Task Exchange(NodeName peer) => Task.CompletedTask;
}
