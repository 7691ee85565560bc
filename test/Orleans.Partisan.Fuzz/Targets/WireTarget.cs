using System.Buffers;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Fuzz.Targets;

/// <summary>
/// One frame body through <see cref="WireCodec"/>, on a connection whose type table already numbers a few
/// types (as after the frames that named them): kinds, flags, targets, type references and names, and the
/// message Orleans' serializer reads.
/// </summary>
internal sealed class WireTarget : IFuzzTarget
{
    /// <summary>The types the connection has numbered, in order (0, 1, …).</summary>
    private static readonly object[] Primers = [new Keyed(1, 2, "k"), "text", new Nested([], [], null, [])];

    public string Name => "wire";

    public IEnumerable<(string Name, byte[] Input)> Seeds()
    {
        var sent = Primed();
        var named = PartisanTarget.Named("inbox");
        yield return ("forward-numbered", Frames.Body(new ForwardEnvelope(named, new Keyed(7, 8, "hello"), isCast: true), sent));
        yield return ("forward-numbered-string", Frames.Body(new ForwardEnvelope(named, "payload", isCast: false), sent));
        yield return ("forward-nested", Frames.Body(new ForwardEnvelope(named, Nested(), isCast: false), sent));
        yield return ("forward-announces", Frames.Body(new ForwardEnvelope(named, new List<int> { 1, 2, 3 }, isCast: false), new SentTypeTable(FuzzServices.Codec.TypeConverter)));
        yield return ("forward-self-describing", Frames.Body(new ForwardEnvelope(named, new Keyed(1, 1, "x"), isCast: false)));
        yield return ("forward-process", Frames.Body(new ForwardEnvelope(new ProcessRef(new NodeName("n1"), 42), new Keyed(3, 4, ""), isCast: false), sent));
        yield return ("forward-grain", Frames.Body(new ForwardEnvelope(PartisanTarget.Grain(GrainId.Create("g", "k")), 5, isCast: false), sent));
        yield return ("forward-unicode-name", Frames.Body(new ForwardEnvelope(PartisanTarget.Named("ünïcødé ✓"), 1.5, isCast: false), sent));
        var numbers = new DeliveryHeader(2, 300, 299, 290);
        yield return ("forward-call", Frames.Body(ForwardEnvelope.Create(named, new Keyed(1, 2, "request"), isCast: false, new CallHeader(long.MaxValue, Transitive: false)), sent));
        yield return ("forward-call-transitive", Frames.Body(ForwardEnvelope.Create(new ProcessRef(new NodeName("n1"), 7), "request", isCast: false, new CallHeader(5, Transitive: true)), sent));
        yield return ("forward-answer", Frames.Body(new ForwardEnvelope(new CallAnswerTarget(5, IsFailure: false), new Keyed(3, 4, "reply"), isCast: false), sent));
        yield return ("forward-answer-null", Frames.Body(new ForwardEnvelope(new CallAnswerTarget(6, IsFailure: false), null, isCast: false), sent));
        yield return ("forward-acked", Frames.Body(ForwardEnvelope.Create(named, new Keyed(5, 6, "acked"), isCast: true, delivery: numbers), sent));
        yield return ("forward-acked-call", Frames.Body(ForwardEnvelope.Create(named, "both", isCast: false, new CallHeader(9, Transitive: true), new DeliveryHeader(1, 1, 0, 1)), sent));
        yield return ("relay-call", Frames.Body(new RelayEnvelope(new PartisanRef(new NodeName("o"), 2), new NodeName("d"), 3, ForwardEnvelope.Create(named, "r", isCast: false, new CallHeader(11, Transitive: true)))));
        yield return ("relay-acked", Frames.Body(new RelayEnvelope(new PartisanRef(new NodeName("o"), 3), new NodeName("d"), 2, ForwardEnvelope.Create(named, new Keyed(7, 7, "r"), isCast: true, new CallHeader(12, Transitive: true), numbers))));
        yield return ("relay-answer", Frames.Body(new RelayEnvelope(new PartisanRef(new NodeName("o"), 4), new NodeName("d"), 1, new ForwardEnvelope(new CallAnswerTarget(12, IsFailure: true), "why", isCast: false))));
        var trace = new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
        yield return ("forward-call-traced", Frames.Body(ForwardEnvelope.Create(named, new Keyed(5, 6, "traced"), isCast: false, new CallHeader(7, false, trace)), sent));
        yield return ("forward-call-traced-state", Frames.Body(ForwardEnvelope.Create(named, "payload", isCast: false, new CallHeader(8, true, trace with { TraceState = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7" })), sent));
        yield return ("object-keyed", Frames.Body(new Keyed(9, 9, "object")));
        yield return ("object-nested", Frames.Body(Nested()));
        yield return ("object-hello", Frames.Body(new Hello(Hello.CurrentVersion, "fuzz", FuzzServices.Spec("peer"), "bulk", 1, TimeSpan.FromSeconds(1))));
        yield return ("relay-process-target", Frames.Body(new RelayEnvelope(new PartisanRef(new NodeName("origin-node"), long.MaxValue), new NodeName("ünïcødé node"), 32, new ForwardEnvelope(new ProcessRef(new NodeName("n1"), 7), Nested(), isCast: true)), sent));
        yield return ("relay-traced", Frames.Body(new RelayEnvelope(new PartisanRef(new NodeName("o"), 5), new NodeName("d"), 0, ForwardEnvelope.Create(named, new Keyed(1, 1, "t"), isCast: false, new CallHeader(13, true, trace))), sent));
        yield return ("relay", Frames.Body(new RelayEnvelope(new PartisanRef(new NodeName("o"), 1), new NodeName("d"), 3, new ForwardEnvelope(named, "r", isCast: false))));
        yield return ("object-array", Frames.Body(new object[] { 1, "two", new[] { 3, 4 }, Guid.Empty, new Dictionary<int, string> { [5] = "five" } }));
        yield return ("hostile-deep", [0, .. HostileValues.DeepNesting(200)]);
        byte[] relayHeader = [3, 0x03, (byte)'o', 0x03, 0x03, (byte)'d', 0x03, 1, 2, 0x03, (byte)'x', 0x01];
        yield return ("hostile-relay-deep", [.. relayHeader, .. HostileValues.DeepNesting(200)]);
        yield return ("hostile-relay-unregistered-type", [.. relayHeader, .. HostileValues.NamedType(typeof(Unregistered).FullName + ", " + typeof(Unregistered).Assembly.GetName().Name)]);
        yield return ("hostile-quadratic", [0, .. HostileValues.QuadraticClaims(64)]);
        yield return ("hostile-process-type", [0, .. HostileValues.NamedType("System.Diagnostics.Process, System.Diagnostics.Process")]);
        yield return ("hostile-unregistered-type", [0, .. HostileValues.NamedType(typeof(Unregistered).FullName + ", " + typeof(Unregistered).Assembly.GetName().Name)]);
    }

    public void Run(byte[] input)
    {
        var received = new ReceivedTypeTable();
        Prime(received);
        if (FrameCodec.Decode(FuzzServices.Codec, new ReadOnlySequence<byte>(input), received) is RelayEnvelope relay)
        {
            // As the destination does: a node that only relays it never decodes the message.
            relay.Open();
        }
    }

    public bool IsDocumentedRefusal(Exception exception) => exception is InvalidDataException;

    internal static Nested Nested() => new(
        [new Keyed(1, 1, "a"), new Keyed(2, -1, "b")],
        new Dictionary<string, int[]> { ["x"] = [1, 2, 3], ["y"] = [] },
        new object[] { "inner", 42L, new Keyed(0, 0, "") },
        [1, 2, 3, 4]);

    /// <summary>A sent table that has numbered and announced the primers.</summary>
    private static SentTypeTable Primed()
    {
        var sent = new SentTypeTable(FuzzServices.Codec.TypeConverter);
        foreach (var primer in Primers)
        {
            Frames.Body(new ForwardEnvelope(PartisanTarget.Named("p"), primer, isCast: false), sent);
        }

        return sent;
    }

    /// <summary>Reads the frames that named the primers into <paramref name="received"/>.</summary>
    private static void Prime(ReceivedTypeTable received)
    {
        foreach (var body in PrimerBodies)
        {
            FrameCodec.Decode(FuzzServices.Codec, new ReadOnlySequence<byte>(body), received);
        }
    }

    private static readonly byte[][] PrimerBodies = CreatePrimerBodies();

    private static byte[][] CreatePrimerBodies()
    {
        var sent = new SentTypeTable(FuzzServices.Codec.TypeConverter);
        return [.. Primers.Select(p => Frames.Body(new ForwardEnvelope(PartisanTarget.Named("p"), p, isCast: false), sent))];
    }
}
