using System.Collections.Immutable;
using System.Net;

namespace Orleans.Partisan;

/// <summary>
/// Describes a node of the overlay, the analogue of Partisan's <c>node_spec()</c>:
/// its name, the endpoints it listens on and its channels.
/// </summary>
/// <remarks>Two specs of the same node compare equal: listen addresses are kept sorted.</remarks>
[GenerateSerializer, Immutable, Alias("partisan.NodeSpec")]
public sealed class NodeSpec : IEquatable<NodeSpec>
{
    /// <summary>Creates a node spec.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="listenAddresses">The endpoints the node accepts overlay connections on; at least one.</param>
    /// <param name="channels">The node's channels by name.</param>
    public NodeSpec(NodeName name, IEnumerable<IPEndPoint> listenAddresses, IEnumerable<KeyValuePair<string, ChannelOptions>> channels)
    {
        if (name.IsEmpty)
        {
            throw new ArgumentException("A node spec needs a name.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(listenAddresses);
        ArgumentNullException.ThrowIfNull(channels);
        Name = name;
        ListenAddresses = [.. listenAddresses.OrderBy(e => e.ToString(), StringComparer.Ordinal)];
        if (ListenAddresses.IsEmpty)
        {
            throw new ArgumentException("A node spec needs at least one listen address.", nameof(listenAddresses));
        }

        Channels = channels.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    /// <summary>The node's name.</summary>
    [Id(0)]
    public NodeName Name { get; }

    /// <summary>The endpoints the node accepts overlay connections on, sorted.</summary>
    [Id(1)]
    public ImmutableArray<IPEndPoint> ListenAddresses { get; }

    /// <summary>The node's channels by name.</summary>
    [Id(2)]
    public ImmutableSortedDictionary<string, ChannelOptions> Channels { get; }

    /// <inheritdoc />
    public bool Equals(NodeSpec? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && Name == other.Name
            && ListenAddresses.SequenceEqual(other.ListenAddresses)
            && Channels.Count == other.Channels.Count
            && Channels.All(c => other.Channels.TryGetValue(c.Key, out var o) && c.Value.Equals(o));
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeSpec other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        foreach (var address in ListenAddresses)
        {
            hash.Add(address);
        }

        foreach (var channel in Channels)
        {
            hash.Add(channel.Key, StringComparer.Ordinal);
            hash.Add(channel.Value);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} @ {string.Join(",", ListenAddresses)}";

    /// <summary>Whether the node listens at <paramref name="endpoint"/>, written as <see cref="IPEndPoint.ToString"/> writes it.</summary>
    internal bool ListensAt(string endpoint) => ListenAddresses.Any(e => string.Equals(e.ToString(), endpoint, StringComparison.Ordinal));
}
