using System.Collections.Immutable;
using System.Net;
using TransportContext = Orleans.Partisan.Transport.TransportContext;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Transport;
using Orleans.Serialization;

namespace Orleans.Partisan.Fuzz;

/// <summary>What every target shares: one serializer set up as a silo's is (this assembly and the libraries), the overlay's codec, a transport context.</summary>
internal static class FuzzServices
{
    /// <summary>The largest frame the overlay targets accept (the node's default is 16 MiB; inputs stay far below).</summary>
    public const int MaxFrameSize = 1024 * 1024;

    public static readonly IServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public static readonly Serializer Serializer = Services.GetRequiredService<Serializer>();

    public static readonly WireCodec Codec = new(Services);

    public static readonly TransportContext Context = CreateContext();

    /// <summary>The node spec the targets' hellos carry.</summary>
    public static NodeSpec Spec(string name, int port = 11111)
        => new(new NodeName(name), [new IPEndPoint(IPAddress.Loopback, port)], Context.Settings.Channels);

    private static TransportContext CreateContext()
    {
        var channels = ImmutableSortedDictionary.CreateBuilder<string, ChannelOptions>(StringComparer.Ordinal);
        channels[PartisanChannels.Default] = new ChannelOptions();
        channels["bulk"] = new ChannelOptions { Parallelism = 2 };
        var settings = new TransportSettings
        {
            ClusterId = "fuzz",
            LocalName = new NodeName("local"),
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Channels = channels.ToImmutable(),
            MaxFrameSize = MaxFrameSize,
        };
        return new TransportContext(settings, Codec, NullLogger.Instance, TimeProvider.System);
    }
}
