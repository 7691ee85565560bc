using Orleans.Metadata;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Grains;

/// <summary>
/// Delivers overlay messages for grains by calling <see cref="IPartisanMessageReceiver.Receive"/>, and calls
/// by calling <see cref="IPartisanRequestHandler.HandleCall"/> on grains whose type implements it (as the
/// cluster manifest says).
/// </summary>
internal sealed class GrainMessageSink(IGrainFactory grainFactory, GrainPropertiesResolver grainProperties, GrainInterfaceTypeResolver interfaceTypes) : IGrainMessageSink
{
    private readonly string _handlerInterface = interfaceTypes.GetGrainInterfaceType(typeof(IPartisanRequestHandler)).ToString();

    public Task DeliverAsync(GrainId grain, ReceivedMessage message)
        => grainFactory.GetGrain<IPartisanMessageReceiver>(grain).Receive(message);

    public string? CannotAnswer(GrainId grain)
    {
        if (!grainProperties.TryGetGrainProperties(grain.Type, out var properties))
        {
            return $"no grain type '{grain.Type}' is known to the cluster";
        }

        var implements = properties.Properties.Any(p => p.Key.StartsWith(WellKnownGrainTypeProperties.ImplementedInterfacePrefix, StringComparison.Ordinal) && p.Value == _handlerInterface);
        return implements ? null : $"grain type '{grain.Type}' does not implement {nameof(IPartisanRequestHandler)}";
    }

    public Task<object?> CallAsync(GrainId grain, ReceivedMessage request)
        => grainFactory.GetGrain<IPartisanRequestHandler>(grain).HandleCall(request);
}
