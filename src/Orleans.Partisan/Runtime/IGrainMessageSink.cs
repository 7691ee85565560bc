namespace Orleans.Partisan.Runtime;

/// <summary>Delivers a message that arrived for a <see cref="GrainTarget"/>; provided by the silo integration.</summary>
internal interface IGrainMessageSink
{
    /// <summary>Calls the grain; the returned task completes when the call does.</summary>
    Task DeliverAsync(GrainId grain, ReceivedMessage message);

    /// <summary>Why <paramref name="grain"/> cannot answer calls (no such grain type, or it does not implement <see cref="IPartisanRequestHandler"/>); <see langword="null"/> when it can.</summary>
    string? CannotAnswer(GrainId grain);

    /// <summary>Calls the grain's <see cref="IPartisanRequestHandler.HandleCall"/>; the task completes with its reply.</summary>
    Task<object?> CallAsync(GrainId grain, ReceivedMessage request);
    /// <summary>Whether <paramref name="grain"/>'s type is known here and implements <see cref="IPartisanMessageReceiver"/> (process monitors' "exists").</summary>
    bool Accepts(GrainId grain);
}
