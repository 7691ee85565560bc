using Microsoft.Extensions.Hosting;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// Writes this silo's view of the cluster to standard output, one line per change, for the parent process:
/// <c>STATUS &lt;silo&gt; &lt;status&gt;</c>.
/// </summary>
internal sealed class MembershipReporter(IClusterMembershipService membership) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = new Dictionary<SiloAddress, SiloStatus>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var (silo, member) in snapshot.Members)
                {
                    if (!known.TryGetValue(silo, out var status) || status != member.Status)
                    {
                        known[silo] = member.Status;
                        HostOutput.Write($"STATUS {silo.ToParsableString()} {member.Status}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
