using System.Buffers.Binary;
using System.Text;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>
/// A peer that completes a valid handshake and then sends malformed frames: only its connection is closed, the
/// close is logged and counted, and the node goes on serving its other peers.
/// </summary>
[Collection(nameof(ClosedConnectionCounting))]
public sealed class TransportHostileInputTests
{
    private const int MaxFrameSize = 1024 * 1024;

    public static TheoryData<string, int, string> HostileFrames() => new()
    {
        // Case, the log event expected, the reason tag of partisan.connections.closed.
        { "negative length", 3025, "protocol_error" },
        { "zero length", 3025, "protocol_error" },
        { "oversized length", 3020, "protocol_error" },
        { "garbage body", 3021, "protocol_error" },
        { "unknown kind", 3021, "protocol_error" },
        { "type number never named", 3021, "protocol_error" },
        { "unregistered type System.Diagnostics.Process", 3021, "protocol_error" },
        { "nested 100,000 levels deep", 3021, "protocol_error" },
        { "bytes after the message", 3021, "protocol_error" },
        { "relay with more hops left than any limit", 3021, "protocol_error" },
        { "relay carrying a connection's type number", 3021, "protocol_error" },
        { "relay to this node of an unregistered type", 3021, "protocol_error" },
        { "truncated, then closed", 3004, "peer_closed" },
    };

    [Theory]
    [MemberData(nameof(HostileFrames))]
    public async Task Only_the_connection_that_sent_it_is_closed_logged_and_counted(string hostile, int eventId, string reason)
    {
        await using var a = await TestNode.StartAsync("a", configure: s => s with { MaxFrameSize = MaxFrameSize });
        await using var b = await TestNode.StartAsync("b");
        b.Transport.Connect(a.Spec);
        await b.WaitFullyConnectedAsync(a);
        using var closed = new CounterProbe(PartisanMetrics.ConnectionsClosed, "reason", reason);

        await using var raw = await RawDialler.HandshakeAsync(a, name: "raw");
        await raw.SendAsync(RawFrames.Encode(new Numbered(1, 1)));
        await TestSupport.WaitUntilAsync(() => a.Events.Messages.Any(m => m.From == new NodeName("raw")), "the raw peer's valid frame");

        await raw.SendAsync(Bytes(hostile));
        if (hostile.StartsWith("truncated", StringComparison.Ordinal))
        {
            raw.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }

        await raw.WaitForCloseAsync($"the connection that sent '{hostile}' to be closed");
        await TestSupport.WaitUntilAsync(() => a.Logger.Entries.Any(e => e.Id.Id == eventId), $"log event {eventId} for '{hostile}'");
        await TestSupport.WaitUntilAsync(() => closed.Total == 1, $"one connection counted as closed with reason {reason}; counted {closed.Total}");
        Assert.DoesNotContain(a.Logger.Entries, e => e.Id.Id == 3031);

        // The other peer's connection is untouched and still delivers.
        await b.Transport.SendAsync(a.Name, PartisanChannels.Default, new Numbered(2, 2), null, null, default);
        await TestSupport.WaitUntilAsync(() => a.Events.Messages.Any(m => m.From == b.Name && Equals(m.Message, new Numbered(2, 2))), $"b's message after '{hostile}'");
        Assert.True(b.Transport.IsFullyConnected(a.Name));
        Assert.DoesNotContain(b.Events.PeerEvents, e => e.StartsWith("down", StringComparison.Ordinal));
    }

    /// <summary>A relay frame's kind and header (origin "o", number 1, one-byte var-ints), before the forward body it carries.</summary>
    private static byte[] RelayHeader(string destination, int hops) => [3, 0x03, (byte)'o', 0x03, (byte)((destination.Length << 1) | 1), .. Encoding.ASCII.GetBytes(destination), (byte)((hops << 1) | 1)];

    private static byte[] Bytes(string hostile) => hostile switch
    {
        "negative length" => Prefix(-1),
        "zero length" => Prefix(0),
        "oversized length" => Prefix(MaxFrameSize + 1),
        "garbage body" => Frame([.. Enumerable.Repeat((byte)0xFF, 64)]),
        "unknown kind" => Frame([7, 0x00, 0x01]),
        "type number never named" => Frame([1, 2, 0x03, (byte)'x', 0x19, 0x00, 0x01]),
        "unregistered type System.Diagnostics.Process" => Frame([0, .. NamedType("System.Diagnostics.Process, System.Diagnostics.Process")]),
        "nested 100,000 levels deep" => Frame([0, .. DeepNesting(100_000)]),
        "bytes after the message" => Frame([.. RawFrames.Encode(new Numbered(3, 3)).AsSpan(4), 0]),
        "relay with more hops left than any limit" => Frame([.. RelayHeader("a", hops: 99), 1, 2, 0x03, (byte)'x', 0x01]),
        "relay carrying a connection's type number" => Frame([.. RelayHeader("a", hops: 1), 1, 2, 0x03, (byte)'x', 0x05, 0x01]),
        "relay to this node of an unregistered type" => Frame([.. RelayHeader("a", hops: 1), 1, 2, 0x03, (byte)'x', 0x01, .. NamedType("System.Diagnostics.Process, System.Diagnostics.Process")]),
        "truncated, then closed" => [.. Prefix(100), .. new byte[10]],
        _ => throw new ArgumentException(hostile, nameof(hostile)),
    };

    private static byte[] Prefix(int length)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, length);
        return prefix;
    }

    private static byte[] Frame(byte[] body) => [.. Prefix(body.Length), .. body];

    /// <summary>An empty object of the type named <paramref name="typeName"/>: a tag-delimited field with an encoded type (version 1, hash, length, name).</summary>
    private static byte[] NamedType(string typeName)
    {
        var name = Encoding.UTF8.GetBytes(typeName);
        return [0x30, 1, 0, 0, 0, 0, (byte)((name.Length << 1) | 1), .. name, 0xE0];
    }

    /// <summary><c>object[]</c> in <c>object[]</c>, <paramref name="depth"/> levels (four bytes a level); Orleans' decoder recurses once a level.</summary>
    private static byte[] DeepNesting(int depth)
    {
        var bytes = new List<byte>(depth * 5);
        for (var i = 0; i < depth; i++)
        {
            bytes.AddRange([i == 0 ? (byte)0x28 : (byte)0x29, 0x2F, 0x00, 0x03]);
        }

        bytes.AddRange(Enumerable.Repeat((byte)0xE0, depth));
        return [.. bytes];
    }
}
