using Microsoft.Extensions.Hosting;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// Writes this silo's overlay node events to standard output, for the parent process: <c>NODEUP &lt;node&gt;</c> and
/// <c>NODEDOWN &lt;node&gt; &lt;reason&gt;</c> (a silo's node name is its silo address, as <c>READY</c> prints it).
/// </summary>
internal sealed class OverlayReporter(IPartisan partisan) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var nodeEvent in partisan.WatchNodesAsync(stoppingToken))
            {
                HostOutput.Write(nodeEvent.Kind == NodeEventKind.Up ? $"NODEUP {nodeEvent.Node}" : $"NODEDOWN {nodeEvent.Node} {nodeEvent.Reason}");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
