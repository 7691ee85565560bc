using System.Buffers;
using System.IO.Pipelines;
using System.Net;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The handshake: the accepting side sends its <see cref="Hello"/> first; the dialler checks it
/// (cluster id, version, and that it is the node it meant to reach), then answers with its own
/// hello naming the channel and lane; the acceptor checks that. Any mismatch refuses the connection.
/// With TLS on, the handshake runs inside the TLS session (<see cref="TlsHandshake"/>).
/// </summary>
internal static class Handshake
{
    public const string Inbound = "from";
    public const string Outbound = "to";

    /// <summary>Reads one hello frame; <see langword="null"/> if the peer closed before sending one.</summary>
    /// <exception cref="ConnectionRefusedException">The first frame is not a valid hello.</exception>
    public static async ValueTask<Hello?> ReadHelloAsync(PipeReader reader, TransportContext context, string direction, EndPoint? remote, CancellationToken cancellationToken)
    {
        var maximum = Math.Min(Hello.MaxSize, context.Settings.MaxFrameSize);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            switch (FrameCodec.TryReadFrame(ref buffer, maximum, out var body, out var length))
            {
                case FrameReadStatus.Frame:
                    object? message;
                    try
                    {
                        message = FrameCodec.Decode(context.Codec, body);
                    }
                    catch (Exception exception)
                    {
                        reader.AdvanceTo(result.Buffer.Start);
                        throw Refuse(context, "bad_frame", direction, remote, $"the handshake frame could not be deserialized ({exception.Message})");
                    }

                    reader.AdvanceTo(buffer.Start);
                    return message as Hello
                        ?? throw Refuse(context, "bad_frame", direction, remote, $"expected a hello, got a {message.GetType().Name}");
                case FrameReadStatus.InvalidLength:
                    var opensTls = LooksLikeTls(result.Buffer);
                    reader.AdvanceTo(result.Buffer.Start);
                    if (opensTls && context.Settings.Tls is null)
                    {
                        throw TlsHandshake.Refuse(context, direction, remote, "the peer opened a TLS handshake, and TLS is off on this node (UsePartisanTls)");
                    }

                    throw Refuse(context, "bad_frame", direction, remote, $"handshake frame of {length} bytes exceeds the maximum of {maximum}");
                default:
                    if (result.IsCompleted)
                    {
                        var leftover = result.Buffer.Length;
                        reader.AdvanceTo(result.Buffer.End);
                        if (leftover > 0)
                        {
                            throw Refuse(context, "bad_frame", direction, remote, $"closed after {leftover} bytes of an incomplete handshake frame");
                        }

                        return null;
                    }

                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    break;
            }
        }
    }

    /// <summary>Sends a hello frame.</summary>
    public static async ValueTask WriteHelloAsync(Stream stream, TransportContext context, Hello hello, CancellationToken cancellationToken)
    {
        var frame = FrameCodec.Encode(context.Codec, hello, context.Settings.MaxFrameSize);
        try
        {
            await stream.WriteAsync(frame.Memory, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>The hello this node sends; <paramref name="channel"/> is null for the acceptor's.</summary>
    public static Hello Create(TransportContext context, string? channel, int lane)
        => new(
            Hello.CurrentVersion,
            context.Settings.ClusterId,
            context.LocalSpec ?? throw new InvalidOperationException("The transport is not started."),
            channel,
            lane,
            context.Settings.HeartbeatsEnabled ? context.Settings.HeartbeatInterval : TimeSpan.Zero);

    /// <summary>The dialler's check of the acceptor's hello.</summary>
    /// <param name="context">The transport.</param>
    /// <param name="hello">The acceptor's hello.</param>
    /// <param name="remote">Where it was dialled.</param>
    /// <param name="expected">The node the dialler meant to reach, or null to accept any node (probes).</param>
    /// <param name="channel">The channel the dialler is about to ask for, or null for a probe.</param>
    public static void CheckAcceptorHello(TransportContext context, Hello hello, EndPoint? remote, NodeName? expected, string? channel)
    {
        CheckCommon(context, hello, Outbound, remote);
        if (expected is { } name && hello.Node.Name != name)
        {
            TransportLog.RefusedWrongNode(context.Logger, hello.Node.Name, remote, name);
            throw Refused("wrong_node", $"Refused node '{hello.Node.Name}' at {remote}: expected node '{name}'");
        }

        if (channel is not null && !hello.Node.Channels.ContainsKey(channel))
        {
            // It would refuse our hello for this channel: do not count the lane as open meanwhile.
            var theirs = string.Join(", ", hello.Node.Channels.Keys);
            TransportLog.RefusedMissingChannel(context.Logger, hello.Node.Name, remote, channel, theirs);
            throw Refused("unknown_channel", $"Refused node '{hello.Node.Name}' at {remote} for channel '{channel}': it has no such channel (its channels: {theirs})");
        }
    }

    /// <summary>The acceptor's check of the dialler's hello; returns the channel's index.</summary>
    public static int CheckDiallerHello(TransportContext context, Hello hello, EndPoint? remote)
    {
        CheckCommon(context, hello, Inbound, remote);
        var channel = context.IndexOf(hello.Channel);
        if (channel < 0 || hello.Lane < 0)
        {
            TransportLog.RefusedChannel(context.Logger, hello.Node.Name, remote, hello.Channel, hello.Lane, context.ChannelList);
            throw Refused("unknown_channel", $"Refused connection from node '{hello.Node.Name}' at {remote}: channel '{hello.Channel}' (lane {hello.Lane}) is not configured here (configured: {context.ChannelList})");
        }

        if (hello.HeartbeatInterval != TimeSpan.Zero && (hello.HeartbeatInterval < HeartbeatFrame.MinInterval || hello.HeartbeatInterval > HeartbeatFrame.MaxInterval))
        {
            throw Refuse(context, "bad_frame", Inbound, remote, $"heartbeat interval {hello.HeartbeatInterval} is neither zero (none) nor between {HeartbeatFrame.MinInterval} and {HeartbeatFrame.MaxInterval}");
        }

        return channel;
    }

    /// <summary>Logs and counts a refusal for a malformed handshake and returns the exception to throw.</summary>
    public static ConnectionRefusedException Refuse(TransportContext context, string reason, string direction, EndPoint? remote, string problem)
    {
        TransportLog.RefusedBadHandshake(context.Logger, direction, remote, problem);
        return Refused(reason, $"Refused connection {direction} {remote}: {problem}");
    }

    private static void CheckCommon(TransportContext context, Hello hello, string direction, EndPoint? remote)
    {
        if (hello.Node is null || hello.ClusterId is null)
        {
            throw Refuse(context, "bad_frame", direction, remote, "the hello carries no cluster id or node spec");
        }

        // Deserialization does not run NodeSpec's constructor, so its checks are made here.
        var node = hello.Node;
        if (node.Name.IsEmpty || node.ListenAddresses.IsDefaultOrEmpty || node.ListenAddresses.Any(a => a is null) || node.Channels is null)
        {
            throw Refuse(context, "bad_frame", direction, remote, "the hello's node spec lacks a name, a listen address or its channels");
        }

        var ours = context.Settings.ClusterId;
        if (!string.Equals(hello.ClusterId, ours, StringComparison.Ordinal))
        {
            TransportLog.RefusedClusterId(context.Logger, direction, remote, hello.ClusterId, ours);
            throw Refused("cluster_id", $"Refused connection {direction} {remote}: cluster id '{hello.ClusterId}' is not ours ('{ours}')");
        }

        if (hello.Version != Hello.CurrentVersion)
        {
            TransportLog.RefusedVersion(context.Logger, direction, remote, hello.Version, Hello.CurrentVersion);
            throw Refused("version", $"Refused connection {direction} {remote}: protocol version {hello.Version} is not ours ({Hello.CurrentVersion})");
        }

        if (context.Settings.Admission?.Invoke(node) is { } problem)
        {
            TransportLog.RefusedNotAdmitted(context.Logger, direction, node.Name, remote, problem);
            throw Refused("not_listed", $"Refused connection {direction} node '{node.Name}' at {remote}: {problem}");
        }
    }

    /// <summary>Counts a refusal and returns the exception to throw (the caller has logged it).</summary>
    public static ConnectionRefusedException Refused(string reason, string message)
    {
        PartisanMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return new ConnectionRefusedException(reason, message);
    }

    /// <summary>Whether <paramref name="buffer"/> starts like a TLS record of the handshake (content type 22, version 3.x).</summary>
    private static bool LooksLikeTls(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[2];
        if (buffer.Length < start.Length)
        {
            return false;
        }

        buffer.Slice(0, start.Length).CopyTo(start);
        return start[0] == 0x16 && start[1] == 0x03;
    }
}
