using Microsoft.Extensions.Hosting;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// Writes this silo's overlay node events to standard output, for the parent process: <c>NODEUP &lt;node&gt;</c> and
/// <c>NODEDOWN &lt;node&gt; &lt;reason&gt;</c> (a silo's node name is its silo address, as <c>READY</c> prints it).
/// Nodes already up when it starts (the overlay connects while the silo starts, before this service does) are
/// written as <c>NODEUP</c> first; a node up at that moment may be written twice.
/// </summary>
internal sealed class OverlayReporter(IPartisan partisan) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var events = partisan.WatchNodesAsync(stoppingToken);
            foreach (var node in partisan.GetNodes(NodeSelection.Connected))
            {
                HostOutput.Write($"NODEUP {node}");
            }

            await foreach (var nodeEvent in events)
            {
                HostOutput.Write(nodeEvent.Kind == NodeEventKind.Up ? $"NODEUP {nodeEvent.Node}" : $"NODEDOWN {nodeEvent.Node} {nodeEvent.Reason}");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
