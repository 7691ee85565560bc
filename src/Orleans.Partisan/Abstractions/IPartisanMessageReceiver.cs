namespace Orleans.Partisan;

/// <summary>
/// Implemented by a grain that receives overlay messages. A message forwarded to a
/// <see cref="GrainTarget"/> arrives at the destination node and is delivered by calling
/// <see cref="Receive"/> from there.
/// </summary>
public interface IPartisanMessageReceiver : IGrain
{
    /// <summary>Receives one message.</summary>
    Task Receive(ReceivedMessage message);
}
