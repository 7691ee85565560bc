namespace Orleans.Partisan.Tests.Transport;

/// <summary>A small keyed message.</summary>
[GenerateSerializer, Alias("test.transport.Numbered")]
public sealed record Numbered([property: Id(0)] int Key, [property: Id(1)] int Sequence);

/// <summary>A message whose payload travels as <see cref="object"/>.</summary>
[GenerateSerializer, Alias("test.transport.Envelope")]
public sealed record Envelope([property: Id(0)] string Tag, [property: Id(1)] object Body);

/// <summary>A keyed message with a payload of any size.</summary>
[GenerateSerializer, Alias("test.transport.Blob")]
public sealed record Blob([property: Id(0)] int Key, [property: Id(1)] int Sequence, [property: Id(2)] byte[] Data);

/// <summary>A type the serializer does not know.</summary>
public sealed class NotSerializable
{
    public int Value { get; set; }
}
