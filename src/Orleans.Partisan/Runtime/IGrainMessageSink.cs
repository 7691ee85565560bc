namespace Orleans.Partisan.Runtime;

/// <summary>Delivers a message that arrived for a <see cref="GrainTarget"/>; provided by the silo integration.</summary>
internal interface IGrainMessageSink
{
    /// <summary>Calls the grain; the returned task completes when the call does.</summary>
    Task DeliverAsync(GrainId grain, ReceivedMessage message);

    /// <summary>Whether <paramref name="grain"/>'s type is known here and implements <see cref="IPartisanMessageReceiver"/> (process monitors' "exists").</summary>
    bool Accepts(GrainId grain);
}
