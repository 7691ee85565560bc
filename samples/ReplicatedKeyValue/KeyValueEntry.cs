namespace ReplicatedKeyValue;

/// <summary>A key's value with the version that wrote it: the broadcast's payload.</summary>
[GenerateSerializer, Immutable, Alias("samples.kv.Entry")]
public sealed record KeyValueEntry([property: Id(0)] string Key, [property: Id(1)] string Value, [property: Id(2)] KeyValueVersion Version);
