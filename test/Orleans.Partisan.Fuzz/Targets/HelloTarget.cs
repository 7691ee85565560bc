using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Fuzz.Targets;

/// <summary>
/// The bytes a peer sends before its connection is established: read as the handshake reads them
/// (<see cref="Handshake.ReadHelloAsync"/>, frames of at most <see cref="Hello.MaxSize"/>), then checked as an acceptor
/// checks a dialler's hello and as a dialler checks an acceptor's.
/// </summary>
internal sealed class HelloTarget : IFuzzTarget
{
    private static readonly EndPoint Remote = new IPEndPoint(IPAddress.Loopback, 40000);

    public string Name => "hello";

    public IEnumerable<(string Name, byte[] Input)> Seeds()
    {
        var spec = FuzzServices.Spec("peer");
        yield return ("dialler", Frames.Frame(new Hello(Hello.CurrentVersion, "fuzz", spec, "bulk", 1, TimeSpan.FromSeconds(1))));
        yield return ("dialler-default", Frames.Frame(new Hello(Hello.CurrentVersion, "fuzz", spec, PartisanChannels.Default, 0, TimeSpan.FromSeconds(1))));
        yield return ("acceptor", Frames.Frame(new Hello(Hello.CurrentVersion, "fuzz", spec, null, 0, TimeSpan.FromSeconds(1))));
        yield return ("other-cluster", Frames.Frame(new Hello(Hello.CurrentVersion, "other", spec, "bulk", 0, TimeSpan.FromSeconds(1))));
        yield return ("other-version", Frames.Frame(new Hello(Hello.CurrentVersion + 1, "fuzz", spec, "bulk", 0, TimeSpan.FromSeconds(1))));
        yield return ("unknown-channel", Frames.Frame(new Hello(Hello.CurrentVersion, "fuzz", spec, "nope", 0, TimeSpan.FromSeconds(1))));
        yield return ("negative-lane", Frames.Frame(new Hello(Hello.CurrentVersion, "fuzz", spec, "bulk", -1, TimeSpan.FromSeconds(1))));
        yield return ("not-a-hello", Frames.Frame(new Keyed(1, 1, "hello?")));
        yield return ("forward-instead", Frames.Frame(new ForwardEnvelope(PartisanTarget.Named("x"), 1, isCast: false)));
        yield return ("truncated", Frames.Frame(new Hello(Hello.CurrentVersion, "fuzz", spec, "bulk", 1, TimeSpan.FromSeconds(1)))[..^5]);
        yield return ("oversized-length", Frames.Prefix(Hello.MaxSize + 1));
        yield return ("hostile-deep", Frames.Wrap([0, .. HostileValues.DeepNesting(200)]));
    }

    public void Run(byte[] input)
    {
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(input));
        var read = Handshake.ReadHelloAsync(reader, FuzzServices.Context, Handshake.Inbound, Remote, CancellationToken.None);
        var hello = read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();
        if (hello is null)
        {
            return;
        }

        try
        {
            Handshake.CheckDiallerHello(FuzzServices.Context, hello, Remote);
        }
        finally
        {
            Handshake.CheckAcceptorHello(FuzzServices.Context, hello, Remote, expected: null, channel: "bulk");
        }
    }

    public bool IsDocumentedRefusal(Exception exception) => exception is ConnectionRefusedException;
}
