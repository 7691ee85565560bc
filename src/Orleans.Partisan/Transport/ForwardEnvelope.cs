namespace Orleans.Partisan.Transport;

/// <summary>The wire form of a forwarded message: where it goes on the destination node and what it is.</summary>
[GenerateSerializer, Alias("partisan.Forward")]
internal sealed class ForwardEnvelope(PartisanTarget target, object message, bool isCast)
{
    [Id(0)]
    public PartisanTarget Target { get; } = target;

    [Id(1)]
    public object Message { get; } = message;

    [Id(2)]
    public bool IsCast { get; } = isCast;
}
