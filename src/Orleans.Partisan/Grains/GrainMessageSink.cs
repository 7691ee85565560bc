using Orleans.Metadata;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Grains;

/// <summary>Delivers overlay messages for grains by calling <see cref="IPartisanMessageReceiver.Receive"/>.</summary>
internal sealed class GrainMessageSink(IGrainFactory grainFactory, GrainPropertiesResolver grainProperties, GrainInterfaceTypeResolver interfaceTypes) : IGrainMessageSink
{
    private readonly Lazy<string> _receiverInterface = new(() => interfaceTypes.GetGrainInterfaceType(typeof(IPartisanMessageReceiver)).ToString());

    public Task DeliverAsync(GrainId grain, ReceivedMessage message)
        => grainFactory.GetGrain<IPartisanMessageReceiver>(grain).Receive(message);

    public bool Accepts(GrainId grain)
    {
        if (grain.IsDefault || !grainProperties.TryGetGrainProperties(grain.Type, out var properties))
        {
            return false;
        }

        var receiver = _receiverInterface.Value;
        return properties.Properties.Any(p => p.Key.StartsWith(WellKnownGrainTypeProperties.ImplementedInterfacePrefix, StringComparison.Ordinal) && p.Value == receiver);
    }
}
