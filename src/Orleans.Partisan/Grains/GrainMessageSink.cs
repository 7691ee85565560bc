using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Grains;

/// <summary>Delivers overlay messages for grains by calling <see cref="IPartisanMessageReceiver.Receive"/>.</summary>
internal sealed class GrainMessageSink(IGrainFactory grainFactory) : IGrainMessageSink
{
    public Task DeliverAsync(GrainId grain, ReceivedMessage message)
        => grainFactory.GetGrain<IPartisanMessageReceiver>(grain).Receive(message);
}
