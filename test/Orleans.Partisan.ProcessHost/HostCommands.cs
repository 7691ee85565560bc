using System.Diagnostics;
using System.Globalization;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// The commands a parent may write to a silo process's standard input, one per line, each with a tag of the parent's
/// choice (no spaces) that the answer repeats:
/// <list type="bullet">
/// <item><c>BROADCAST &lt;tag&gt;</c>: broadcasts the string <c>tag</c> with <see cref="IProcessBroadcastHandler"/>; writes
/// <c>BROADCASTING &lt;tag&gt; &lt;timestamp&gt;</c> just before (a <see cref="Stopwatch.GetTimestamp"/>, as
/// <c>DELIVERED</c> lines carry), then <c>BROADCAST &lt;tag&gt; sent</c>.</item>
/// <item><c>VIEWS &lt;tag&gt;</c>: writes <c>VIEWS &lt;tag&gt; active=&lt;nodes&gt; passive=&lt;count&gt; connected=&lt;nodes&gt; connections=&lt;count&gt;</c>:
/// the peer service's active view, the size of its passive view, the nodes with an open connection (node lists
/// comma-separated, possibly empty) and the number of open overlay connections, inbound and outbound.</item>
/// <item><c>STATS &lt;tag&gt;</c>: writes <c>STATS &lt;tag&gt; originated=… delivered=… gossip=… ihave=… graft=… prune=…</c>,
/// this silo's <see cref="BroadcastStatistics"/>.</item>
/// </list>
/// A command that fails, or is not one of these, is answered <c>FAILED &lt;tag&gt; &lt;reason&gt;</c> and the next is read.
/// The end of the input ends the commands (the silo then stops gracefully).
/// </summary>
internal static class HostCommands
{
    /// <summary>Reads and answers commands from <paramref name="input"/> one at a time until it ends.</summary>
    public static async Task RunAsync(TextReader input, IPartisan partisan)
    {
        while (await input.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var tag = parts.Length > 1 ? parts[1] : "-";
            try
            {
                HostOutput.Write(await AnswerAsync(parts, tag, partisan));
            }
            catch (Exception exception) when (exception is PartisanException or OrleansException or InvalidOperationException or TimeoutException)
            {
                HostOutput.Write($"FAILED {tag} {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}");
            }
        }
    }

    private static async Task<string> AnswerAsync(string[] parts, string tag, IPartisan partisan)
    {
        if (parts.Length != 2)
        {
            return $"FAILED {tag} expected '<command> <tag>', got {parts.Length} words";
        }

        switch (parts[0])
        {
            case "BROADCAST":
                HostOutput.Write($"BROADCASTING {tag} {Stopwatch.GetTimestamp()}");
                var sent = await partisan.BroadcastAsync<IProcessBroadcastHandler>(tag);
                return sent ? $"BROADCAST {tag} sent" : $"FAILED {tag} the message was not new here";
            case "VIEWS":
                var views = await partisan.GetViewsAsync();
                var connected = partisan.GetNodes(NodeSelection.Connected);
                return $"VIEWS {tag} active={string.Join(',', views.Active)} passive={views.Passive.Count} connected={string.Join(',', connected)} connections={partisan.GetConnections().Count}";
            case "STATS":
                var s = partisan.GetBroadcastStatistics();
                return string.Create(CultureInfo.InvariantCulture, $"STATS {tag} originated={s.Originated} delivered={s.Delivered} gossip={s.GossipSent} ihave={s.IHaveSent} graft={s.GraftSent} prune={s.PruneSent}");
            default:
                return $"FAILED {tag} unknown command '{parts[0]}'; expected BROADCAST, VIEWS or STATS";
        }
    }
}
