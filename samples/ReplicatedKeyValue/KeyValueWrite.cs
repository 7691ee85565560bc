namespace ReplicatedKeyValue;

/// <summary>What an application broadcasts: <c>partisan.BroadcastAsync&lt;IReplicatedKeyValue&gt;(new KeyValueWrite("k", "v"))</c>.</summary>
[GenerateSerializer, Immutable, Alias("samples.kv.Write")]
public sealed record KeyValueWrite([property: Id(0)] string Key, [property: Id(1)] string Value);
