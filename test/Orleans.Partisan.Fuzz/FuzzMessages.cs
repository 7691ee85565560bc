namespace Orleans.Partisan.Fuzz;

/// <summary>A small keyed message, as an application would send.</summary>
[GenerateSerializer, Alias("fuzz.Keyed")]
public sealed record Keyed([property: Id(0)] int Key, [property: Id(1)] long Sequence, [property: Id(2)] string Text);

/// <summary>A message with nested collections and an object-typed field.</summary>
[GenerateSerializer, Alias("fuzz.Nested")]
public sealed record Nested(
    [property: Id(0)] List<Keyed> Items,
    [property: Id(1)] Dictionary<string, int[]> Index,
    [property: Id(2)] object? Body,
    [property: Id(3)] byte[] Payload);

/// <summary>A type of this assembly with no generated serializer: the overlay must refuse to name it.</summary>
public sealed class Unregistered
{
    /// <summary>Anything.</summary>
    public int Value { get; set; }
}
