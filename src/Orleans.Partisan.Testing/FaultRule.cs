using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Testing;

/// <summary>One fault rule: which messages it matches, and where.</summary>
internal abstract class FaultRule
{
    public abstract bool Matches(in InterposedMessage message, FaultPoint point);

    /// <summary>The rule in words, for logs and <see cref="PartisanFaults.Rules"/>.</summary>
    public abstract override string ToString();

    protected static string Describe(NodeName? node) => node?.ToString() ?? "any";

    protected static string DescribeChannel(string? channel) => channel is null ? "any channel" : $"channel '{channel}'";
}

/// <summary>A rule on (from, to, channel) acting at one point.</summary>
internal abstract class LinkRule(NodeName? from, NodeName? to, string? channel, FaultPoint at) : FaultRule
{
    public override bool Matches(in InterposedMessage message, FaultPoint point)
        => point == at
            && (from is not { } f || f == message.From)
            && (to is not { } t || t == message.To)
            && (channel is null || string.Equals(channel, message.Channel, StringComparison.Ordinal));

    protected string Link => $"{Describe(from)} -> {Describe(to)} on {DescribeChannel(channel)}, at {at.ToString().ToLowerInvariant()}";
}

internal sealed class DropRule(NodeName? from, NodeName? to, string? channel, FaultPoint at, double probability, int seed)
    : LinkRule(from, to, channel, at)
{
    private readonly Random? _random = probability < 1 ? new Random(seed) : null;

    /// <summary>Whether a matching message is dropped; draws from the seeded source unless the probability is 1.</summary>
    public bool Fires()
    {
        if (_random is null)
        {
            return true;
        }

        lock (_random)
        {
            return _random.NextDouble() < probability;
        }
    }

    public override string ToString() => probability < 1 ? $"drop {Link} with probability {probability} (seed {seed})" : $"drop {Link}";
}

internal sealed class DelayRule(NodeName? from, NodeName? to, string? channel, FaultPoint at, TimeSpan delay)
    : LinkRule(from, to, channel, at)
{
    public TimeSpan Delay => delay;

    public override string ToString() => $"delay {Link} by {delay}";
}

/// <summary>Drops everything between the two sides, both ways, at send and at receive.</summary>
internal sealed class PartitionRule(HashSet<NodeName> a, HashSet<NodeName> b, string? channel) : FaultRule
{
    public override bool Matches(in InterposedMessage message, FaultPoint point)
        => (channel is null || string.Equals(channel, message.Channel, StringComparison.Ordinal))
            && ((a.Contains(message.From) && b.Contains(message.To)) || (b.Contains(message.From) && a.Contains(message.To)));

    public override string ToString() => $"partition [{string.Join(", ", a.Order())}] | [{string.Join(", ", b.Order())}] on {DescribeChannel(channel)}";
}

/// <summary>Log messages of the fault rules, with stable event ids (5000-5009).</summary>
internal static partial class FaultsLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Fault rule added: {Rule}")]
    public static partial void Added(ILogger logger, FaultRule rule);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Fault rule removed: {Rule}")]
    public static partial void Removed(ILogger logger, FaultRule rule);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Fault rules healed: every rule removed")]
    public static partial void Healed(ILogger logger);
}
