using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Partisan.Testing;

/// <summary>
/// Fault rules applied to every silo of a cluster: each call adds the rule to the
/// <see cref="PartisanFaults"/> of every silo running at that moment, and its handle removes it from
/// all of them. Get one with <c>cluster.PartisanFaults()</c> on an <c>InProcessTestCluster</c> or a
/// <c>TestCluster</c>.
/// </summary>
/// <remarks>
/// A silo started after a rule was added does not have it, and a restarted silo starts with no rules.
/// Every silo must be configured with <c>AddPartisanFaultInjection</c>.
/// </remarks>
public sealed class PartisanClusterFaults : IPartisanFaults
{
    private readonly Func<IEnumerable<IServiceProvider>> _silos;

    /// <summary>Creates the cluster-wide view over the silos <paramref name="silos"/> lists, asked again at each call.</summary>
    /// <param name="silos">The service providers of the running silos.</param>
    public PartisanClusterFaults(Func<IEnumerable<IServiceProvider>> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        _silos = silos;
    }

    /// <summary>The rule sets of the running silos.</summary>
    /// <exception cref="InvalidOperationException">A silo was not configured with <c>AddPartisanFaultInjection</c>.</exception>
    public IReadOnlyList<PartisanFaults> Silos => Resolve(channel: null);

    /// <inheritdoc />
    public IDisposable Drop(NodeName? from = null, NodeName? to = null, string? channel = null, double probability = 1.0, int seed = 0, FaultPoint at = FaultPoint.Send)
    {
        PartisanFaults.CheckDrop(probability, at);
        return AddToAll(channel, f => f.Drop(from, to, channel, probability, seed, at));
    }

    /// <inheritdoc />
    public IDisposable Delay(TimeSpan delay, NodeName? from = null, NodeName? to = null, string? channel = null, FaultPoint at = FaultPoint.Send)
    {
        PartisanFaults.CheckDelay(delay, at);
        return AddToAll(channel, f => f.Delay(delay, from, to, channel, at));
    }

    /// <inheritdoc />
    public IDisposable Partition(IEnumerable<NodeName> a, IEnumerable<NodeName> b, string? channel = null)
    {
        var (sideA, sideB) = PartisanFaults.CheckPartition(a, b);
        return AddToAll(channel, f => f.Partition(sideA, sideB, channel));
    }

    /// <inheritdoc />
    public void Heal()
    {
        foreach (var faults in Resolve(channel: null))
        {
            faults.Heal();
        }
    }

    private CompositeHandle AddToAll(string? channel, Func<PartisanFaults, IDisposable> add)
    {
        var silos = Resolve(channel);
        return new CompositeHandle(silos.Select(add).ToList());
    }

    /// <summary>Every running silo's rule set; checks that <paramref name="channel"/> is configured on each.</summary>
    private List<PartisanFaults> Resolve(string? channel)
    {
        var all = new List<PartisanFaults>();
        foreach (var services in _silos())
        {
            var node = services.GetService<IPartisan>();
            var faults = services.GetService<PartisanFaults>()
                ?? throw new InvalidOperationException($"Silo {node?.Name.ToString() ?? "?"} has no fault injection: add AddPartisanFaultInjection() to its configuration.");
            if (channel is not null && node is not null)
            {
                node.GetChannelOptions(channel);
            }

            all.Add(faults);
        }

        return all;
    }

    private sealed class CompositeHandle(List<IDisposable> handles) : IDisposable
    {
        public void Dispose() => handles.ForEach(h => h.Dispose());
    }
}
