using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orleans.Partisan.Testing;

/// <summary>
/// The fault rules of one silo: an <see cref="IPartisanInterposer"/> that drops and delays the
/// overlay's messages as its rules say. <c>AddPartisanFaultInjection</c> registers one per silo;
/// <see cref="PartisanClusterFaults"/> applies a rule to every silo's.
/// </summary>
/// <remarks>
/// Thread-safe. Without rules a message costs one read of an empty array. A rule added while messages
/// are in flight applies to the messages that reach the node after it.
/// </remarks>
public sealed class PartisanFaults : IPartisanFaults, IPartisanInterposer
{
    private readonly object _lock = new();
    private readonly ILogger _logger;
    private FaultRule[] _rules = [];

    /// <summary>Creates a rule set with no rules.</summary>
    /// <param name="logger">Logs the rules as they are added and removed; optional.</param>
    public PartisanFaults(ILogger<PartisanFaults>? logger = null) => _logger = logger ?? NullLogger<PartisanFaults>.Instance;

    /// <summary>The rules in force, in the order they were added, described in words.</summary>
    public IReadOnlyList<string> Rules => Volatile.Read(ref _rules).Select(r => r.ToString()).ToList();

    /// <inheritdoc />
    public IDisposable Drop(NodeName? from = null, NodeName? to = null, string? channel = null, double probability = 1.0, int seed = 0, FaultPoint at = FaultPoint.Send)
    {
        CheckDrop(probability, at);
        return Add(new DropRule(from, to, channel, at, probability, seed));
    }

    /// <inheritdoc />
    public IDisposable Delay(TimeSpan delay, NodeName? from = null, NodeName? to = null, string? channel = null, FaultPoint at = FaultPoint.Send)
    {
        CheckDelay(delay, at);
        return Add(new DelayRule(from, to, channel, at, delay));
    }

    /// <inheritdoc />
    public IDisposable Partition(IEnumerable<NodeName> a, IEnumerable<NodeName> b, string? channel = null)
    {
        var (sideA, sideB) = CheckPartition(a, b);
        return Add(new PartitionRule(sideA, sideB, channel));
    }

    /// <inheritdoc />
    public void Heal()
    {
        lock (_lock)
        {
            if (_rules.Length == 0)
            {
                return;
            }

            Volatile.Write(ref _rules, []);
        }

        FaultsLog.Healed(_logger);
    }

    /// <inheritdoc />
    InterposerDecision IPartisanInterposer.OnSend(in InterposedMessage message) => Decide(message, FaultPoint.Send);

    /// <inheritdoc />
    InterposerDecision IPartisanInterposer.OnReceive(in InterposedMessage message) => Decide(message, FaultPoint.Receive);

    internal static void CheckDrop(double probability, FaultPoint at)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The probability must be between 0 and 1.");
        }

        CheckPoint(at);
    }

    internal static void CheckDelay(TimeSpan delay, FaultPoint at)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(delay, TimeSpan.Zero);
        CheckPoint(at);
    }

    internal static (HashSet<NodeName> A, HashSet<NodeName> B) CheckPartition(IEnumerable<NodeName> a, IEnumerable<NodeName> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sideA = a.ToHashSet();
        var sideB = b.ToHashSet();
        if (sideA.Count == 0 || sideB.Count == 0)
        {
            throw new ArgumentException("Both sides of a partition need at least one node.", sideA.Count == 0 ? nameof(a) : nameof(b));
        }

        if (sideA.Any(n => n.IsEmpty) || sideB.Any(n => n.IsEmpty))
        {
            throw new ArgumentException("A partition side holds an empty node name.", sideA.Any(n => n.IsEmpty) ? nameof(a) : nameof(b));
        }

        if (sideA.Overlaps(sideB))
        {
            throw new ArgumentException($"The sides of a partition overlap: {string.Join(", ", sideA.Intersect(sideB))}.", nameof(b));
        }

        return (sideA, sideB);
    }

    private static void CheckPoint(FaultPoint at)
    {
        if (at is not (FaultPoint.Send or FaultPoint.Receive))
        {
            throw new ArgumentOutOfRangeException(nameof(at), at, "Unknown fault point.");
        }
    }

    private InterposerDecision Decide(in InterposedMessage message, FaultPoint point)
    {
        var rules = Volatile.Read(ref _rules);
        if (rules.Length == 0)
        {
            return InterposerDecision.Deliver;
        }

        var delay = TimeSpan.Zero;
        foreach (var rule in rules)
        {
            if (!rule.Matches(message, point))
            {
                continue;
            }

            switch (rule)
            {
                case DelayRule delayRule:
                    delay += delayRule.Delay;
                    break;
                case DropRule dropRule when !dropRule.Fires():
                    break;
                default:
                    return InterposerDecision.Drop;
            }
        }

        return delay > TimeSpan.Zero ? InterposerDecision.Delayed(delay) : InterposerDecision.Deliver;
    }

    private RuleHandle Add(FaultRule rule)
    {
        lock (_lock)
        {
            Volatile.Write(ref _rules, [.. _rules, rule]);
        }

        FaultsLog.Added(_logger, rule);
        return new RuleHandle(this, rule);
    }

    private void Remove(FaultRule rule)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_rules, rule);
            if (index < 0)
            {
                return;
            }

            Volatile.Write(ref _rules, [.. _rules[..index], .. _rules[(index + 1)..]]);
        }

        FaultsLog.Removed(_logger, rule);
    }

    private sealed class RuleHandle(PartisanFaults owner, FaultRule rule) : IDisposable
    {
        public void Dispose() => owner.Remove(rule);
    }
}
