using System.Buffers;
using Orleans.Partisan.Runtime;
using Orleans.Partisan.Tests.Transport;
using Orleans.Partisan.Transport;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Runtime;

/// <summary>
/// What the receive path allocates for a plain 64 B forward: frames decoded and dispatched on one thread by the code an
/// inbound connection runs for each frame of a read, counted with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
[Collection("Runtime")]
public sealed class ReceivePathAllocationTests(ITestOutputHelper output)
{
    private const int Frames = 20_000;

    /// <summary>What one-off allocations may add per message (20 KB over the measured frames): far less than an object per message.</summary>
    private const double AmortisedBytes = 1;
    private static readonly NodeName Peer = new("peer");

    [Fact]
    public async Task A_plain_64_byte_forward_to_a_named_receiver_allocates_the_message_and_one_object()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        var received = 0;
        ReceivedMessage? last = null;
        using var sink = node.RegisterReceiver("sink", m =>
        {
            received++;
            last = m;
        });

        var perMessage = Measure(node, PartisanTarget.Named("sink"), drain: null);

        Assert.Equal(2 * Frames + 1, received);
        Assert.Equal((Peer, PartisanChannels.Default), (last!.From, last.Channel));
        AssertAtMostTheMessageAndOneObject(perMessage, "a named receiver");
    }

    [Fact]
    public async Task A_plain_64_byte_forward_to_a_mailbox_allocates_the_message_and_one_object()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync();
        using var mailbox = node.CreateMailbox();
        var received = 0;

        var perMessage = Measure(node, mailbox.Self, drain: () =>
        {
            while (mailbox.TryReceive(out _))
            {
                received++;
            }
        });

        Assert.Equal(2 * Frames + 1, received);
        AssertAtMostTheMessageAndOneObject(perMessage, "a mailbox");
    }

    /// <summary>
    /// Decodes and dispatches a type-announcing frame, then <see cref="Frames"/> frames that refer to the type by its
    /// number (warm-up), then as many again, measured; <paramref name="drain"/> runs after every 64 frames, as a
    /// mailbox's reader would. Returns the bytes allocated per measured frame.
    /// </summary>
    private static double Measure(PartisanNode node, PartisanTarget target, Action? drain)
    {
        var codec = TestSupport.Codec;
        var sent = new SentTypeTable(codec.TypeConverter);
        var types = new ReceivedTypeTable();
        var targets = new ReceivedTargetCache();
        var announcing = FrameCodec.Encode(codec, new ForwardEnvelope(target, Message(), isCast: false), 1 << 20, types: sent);
        announcing.Announces!.MarkAnnounced();
        var numbered = FrameCodec.Encode(codec, new ForwardEnvelope(target, Message(), isCast: false), 1 << 20, types: sent);
        Assert.Null(numbered.Announces);
        try
        {
            Dispatch(node, codec, Body(announcing), types, targets, 1, drain);
            var body = Body(numbered);
            Dispatch(node, codec, body, types, targets, Frames, drain);
            var before = GC.GetAllocatedBytesForCurrentThread();
            Dispatch(node, codec, body, types, targets, Frames, drain);
            return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Frames;
        }
        finally
        {
            announcing.Return();
            numbered.Return();
        }
    }

    private static void Dispatch(ITransportEvents events, WireCodec codec, ReadOnlySequence<byte> body, ReceivedTypeTable types, ReceivedTargetCache targets, int count, Action? drain)
    {
        for (var i = 0; i < count; i++)
        {
            events.OnMessage(Peer, PartisanChannels.Default, codec.Receive(body, types, targets, Peer, PartisanChannels.Default, out _));
            if (drain is not null && i % 64 == 63)
            {
                drain();
            }
        }

        drain?.Invoke();
    }

    private void AssertAtMostTheMessageAndOneObject(double perMessage, string target)
    {
        var message = BytesOf(Message);
        var sample = Message();
        var receivedMessage = BytesOf(() => new ReceivedMessage(Peer, PartisanChannels.Default, sample, IsCast: false));
        output.WriteLine($"{perMessage:0.##} B per message to {target}; the message {message} B, a ReceivedMessage {receivedMessage} B");
        Assert.True(
            perMessage <= message + receivedMessage + AmortisedBytes,
            $"Decoding and dispatching a plain 64 B forward to {target} allocated {perMessage:0.##} B per message; expected at most the message itself ({message} B: a Blob and its byte[64]) plus the one ReceivedMessage the receiver gets ({receivedMessage} B) plus {AmortisedBytes} B of one-off costs spread over the frames, {message + receivedMessage + AmortisedBytes} B.");
    }

    private static Blob Message() => new(1, 2, new byte[64]);

    private static long BytesOf(Func<object> allocate)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(allocate());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static ReadOnlySequence<byte> Body(PooledFrame frame) => new(frame.Buffer, FrameCodec.PrefixSize, frame.BodyLength);
}
