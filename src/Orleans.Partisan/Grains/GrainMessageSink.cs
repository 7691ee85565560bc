using Orleans.Metadata;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Grains;

/// <summary>
/// Delivers overlay messages for grains by calling <see cref="IPartisanMessageReceiver.Receive"/>, and calls
/// by calling <see cref="IPartisanRequestHandler.HandleCall"/> on grains whose type implements it; which grain
/// types implement which interface comes from the cluster manifest.
/// </summary>
internal sealed class GrainMessageSink(IGrainFactory grainFactory, GrainPropertiesResolver grainProperties, GrainInterfaceTypeResolver interfaceTypes) : IGrainMessageSink
{
    private readonly Lazy<string> _receiverInterface = new(() => interfaceTypes.GetGrainInterfaceType(typeof(IPartisanMessageReceiver)).ToString());
    private readonly Lazy<string> _handlerInterface = new(() => interfaceTypes.GetGrainInterfaceType(typeof(IPartisanRequestHandler)).ToString());

    public Task DeliverAsync(GrainId grain, ReceivedMessage message)
        => grainFactory.GetGrain<IPartisanMessageReceiver>(grain).Receive(message);

    public bool Accepts(GrainId grain) => !grain.IsDefault && Implements(grain, _receiverInterface.Value) == true;

    public string? CannotAnswer(GrainId grain) => Implements(grain, _handlerInterface.Value) switch
    {
        null => $"no grain type '{grain.Type}' is known to the cluster",
        false => $"grain type '{grain.Type}' does not implement {nameof(IPartisanRequestHandler)}",
        true => null,
    };

    public Task<object?> CallAsync(GrainId grain, ReceivedMessage request)
        => grainFactory.GetGrain<IPartisanRequestHandler>(grain).HandleCall(request);

    /// <summary>Whether <paramref name="grain"/>'s type implements the grain interface <paramref name="grainInterface"/>; <see langword="null"/> when the type is unknown.</summary>
    private bool? Implements(GrainId grain, string grainInterface)
        => grainProperties.TryGetGrainProperties(grain.Type, out var properties)
            ? properties.Properties.Any(p => p.Key.StartsWith(WellKnownGrainTypeProperties.ImplementedInterfacePrefix, StringComparison.Ordinal) && p.Value == grainInterface)
            : null;
}
