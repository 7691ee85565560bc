namespace Orleans.Partisan;

/// <summary>
/// Implemented by a grain that answers calls (<see cref="IPartisan.CallAsync{TResponse}"/>, the analogue of
/// a <c>gen_server</c>'s <c>handle_call</c>). A call addressed to a <see cref="GrainTarget"/> arrives at the
/// destination node, which calls <see cref="HandleCall"/> from there; what it returns is the reply, what it
/// throws comes back to the caller as a <see cref="CallHandlerException"/>. Messages forwarded (not called)
/// to the same grain still go to <see cref="IPartisanMessageReceiver.Receive"/>, so a grain serving both
/// implements both interfaces.
/// </summary>
public interface IPartisanRequestHandler : IGrain
{
    /// <summary>Handles one call and returns its reply (which may be <see langword="null"/>).</summary>
    /// <param name="request">The request, with <see cref="ReceivedMessage.IsCall"/> set. It cannot reply itself: the return value is the reply.</param>
    Task<object?> HandleCall(ReceivedMessage request);
}
