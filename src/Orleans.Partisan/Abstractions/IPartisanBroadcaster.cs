namespace Orleans.Partisan;

/// <summary>
/// The broadcast layer of one silo, as seen from anywhere in the cluster: broadcast through it (from
/// an Orleans client, which has no overlay of its own), and read its tree and counters. One activation
/// per silo, keyed by the silo's address (see <see cref="PartisanGrainFactoryExtensions.GetBroadcaster"/>).
/// </summary>
public interface IPartisanBroadcaster : IGrainWithStringKey
{
    /// <summary>Broadcasts <paramref name="message"/> from this silo with the handler registered as <paramref name="handler"/> (see <see cref="IPartisan.BroadcastAsync(string, object, CancellationToken)"/>).</summary>
    /// <exception cref="UnknownBroadcastHandlerException">No handler of that name is registered on the silo.</exception>
    Task<bool> Broadcast(string handler, object message);

    /// <summary>The names of the broadcast handlers registered on the silo.</summary>
    Task<IReadOnlyList<string>> GetHandlers();

    /// <summary>The silo's links in every broadcast tree it knows.</summary>
    Task<IReadOnlyList<BroadcastTree>> GetTrees();

    /// <summary>What the silo's broadcast layer has sent and received.</summary>
    Task<BroadcastStatistics> GetStatistics();
}
