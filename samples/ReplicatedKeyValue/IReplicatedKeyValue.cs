using Orleans.Partisan;

namespace ReplicatedKeyValue;

/// <summary>
/// A key-value map replicated on every silo by Plumtree broadcast, last writer wins. Write with
/// <c>IPartisan.BroadcastAsync&lt;IReplicatedKeyValue&gt;(new KeyValueWrite(key, value))</c>; read a silo's
/// copy through <c>grainFactory.GetBroadcastHandler&lt;IReplicatedKeyValue&gt;(silo)</c>.
/// </summary>
public interface IReplicatedKeyValue : IPartisanBroadcastHandler
{
    /// <summary>This silo's value of <paramref name="key"/>, or <see langword="null"/>.</summary>
    Task<string?> Get(string key);

    /// <summary>This silo's whole map.</summary>
    Task<IReadOnlyDictionary<string, string>> GetAll();

    /// <summary>The version of every key this silo holds (the digest an exchange compares).</summary>
    Task<IReadOnlyList<KeyValueVersion>> GetVersions();

    /// <summary>This silo's entries for <paramref name="keys"/>.</summary>
    Task<IReadOnlyList<KeyValueEntry>> GetEntries(IReadOnlyList<string> keys);

    /// <summary>Merges entries another silo pushed in an exchange; returns how many were new.</summary>
    Task<int> MergeEntries(IReadOnlyList<KeyValueEntry> entries);
}
