using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Transport;
using Orleans.Serialization;

namespace Orleans.Partisan.Tests.Transport;

internal static class TestSupport
{
    public static readonly IServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public static readonly Serializer Serializer = Services.GetRequiredService<Serializer>();

    /// <summary>Frame bodies as the transport writes them.</summary>
    public static readonly WireCodec Codec = new(Services);

    /// <summary>Decodes one frame body (without its length prefix) as the transport does.</summary>
    public static object DecodeBody(byte[] body) => FrameCodec.Decode(Codec, new System.Buffers.ReadOnlySequence<byte>(body));

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static ImmutableSortedDictionary<string, ChannelOptions> Channels(params (string Name, int Parallelism, bool Monotonic)[] channels)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ChannelOptions>(StringComparer.Ordinal);
        builder[PartisanChannels.Default] = new ChannelOptions();
        foreach (var (name, parallelism, monotonic) in channels)
        {
            builder[name] = new ChannelOptions { Parallelism = parallelism, Monotonic = monotonic };
        }

        return builder.ToImmutable();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="expected"/> after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string expected, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for {expected}.");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing naming <paramref name="expected"/> after the timeout.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, string expected, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out waiting for {expected}.");
            throw;
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing naming <paramref name="expected"/> after the timeout.</summary>
    public static async Task WithTimeout(this Task task, string expected, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out waiting for {expected}.");
        }
    }
}

/// <summary>Records what a transport reports.</summary>
internal sealed class EventRecorder : ITransportEvents
{
    private readonly object _lock = new();
    private readonly List<string> _peerEvents = [];
    private readonly ConcurrentQueue<(NodeName From, string Channel, object Message)> _messages = new();
    private int _readsWithFrames;

    public IReadOnlyList<(NodeName From, string Channel, object Message)> Messages => [.. _messages];

    public int MessageCount => _messages.Count;

    /// <summary>How many socket reads handed over at least one frame (<see cref="ITransportEvents.OnReceiveBatchEnd"/>).</summary>
    public int ReadsWithFrames => Volatile.Read(ref _readsWithFrames);

    /// <summary>"up:name" and "down:name:kind" (a <see cref="CloseKind"/>) in the order reported.</summary>
    public IReadOnlyList<string> PeerEvents
    {
        get
        {
            lock (_lock)
            {
                return [.. _peerEvents];
            }
        }
    }

    public int Count(string prefix) => PeerEvents.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));

    public void OnMessage(NodeName from, string channel, object message) => _messages.Enqueue((from, channel, message));

    public void OnReceiveBatchEnd() => Interlocked.Increment(ref _readsWithFrames);

    public void OnPeerDown(NodeName peer, CloseReason reason)
    {
        lock (_lock)
        {
            _peerEvents.Add($"down:{peer}:{reason.Kind}");
        }
    }

    public void OnPeerUp(NodeSpec peer)
    {
        lock (_lock)
        {
            _peerEvents.Add($"up:{peer.Name}");
        }
    }

    public Task WaitForMessagesAsync(int count, string what)
        => TestSupport.WaitUntilAsync(() => MessageCount >= count, $"{count} messages ({what}); got {MessageCount}");
}

/// <summary>A logger that keeps what it is told.</summary>
internal sealed class ListLogger : ILogger<OverlayTransport>
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Entries => [.. _entries];

    public int Count(LogLevel level, string contains)
        => _entries.Count(e => e.Level == level && e.Message.Contains(contains, StringComparison.Ordinal));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _entries.Enqueue((logLevel, eventId, formatter(state, exception)));
}

/// <summary>One transport under test, with its recorder and logger.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(OverlayTransport transport, EventRecorder events, ListLogger logger, TransportSettings settings)
    {
        Transport = transport;
        Events = events;
        Logger = logger;
        Settings = settings;
    }

    public OverlayTransport Transport { get; }

    public EventRecorder Events { get; }

    public ListLogger Logger { get; }

    public TransportSettings Settings { get; }

    public NodeName Name => Settings.LocalName;

    public NodeSpec Spec => Transport.LocalSpec;

    public IPEndPoint EndPoint => Spec.ListenAddresses[0];

    public static async Task<TestNode> StartAsync(string name, string clusterId = "main", ImmutableSortedDictionary<string, ChannelOptions>? channels = null, Func<TransportSettings, TransportSettings>? configure = null, int port = 0, IPartisanInterposer? interposer = null, TimeProvider? time = null)
    {
        var settings = new TransportSettings
        {
            ClusterId = clusterId,
            LocalName = new NodeName(name),
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, port),
            Channels = channels ?? TestSupport.Channels(),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ReconnectInterval = TimeSpan.FromMilliseconds(50),
            MaxReconnectInterval = TimeSpan.FromMilliseconds(400),
        };
        settings = configure?.Invoke(settings) ?? settings;
        var events = new EventRecorder();
        var logger = new ListLogger();
        var transport = new OverlayTransport(settings, TestSupport.Codec, events, logger, time ?? TimeProvider.System, interposer);
        await transport.StartAsync(CancellationToken.None);
        return new TestNode(transport, events, logger, settings);
    }

    public IEnumerable<ConnectionInfo> Outbound(NodeName peer, string? channel = null)
        => Transport.GetConnections().Where(c => c.Direction == ConnectionDirection.Outbound && c.Peer == peer && (channel is null || c.Channel == channel));

    public IEnumerable<ConnectionInfo> Inbound(NodeName peer, string? channel = null)
        => Transport.GetConnections().Where(c => c.Direction == ConnectionDirection.Inbound && c.Peer == peer && (channel is null || c.Channel == channel));

    public Task WaitFullyConnectedAsync(TestNode peer)
        => TestSupport.WaitUntilAsync(() => Transport.IsFullyConnected(peer.Name), $"'{Name}' fully connected to '{peer.Name}'");

    public ValueTask DisposeAsync() => Transport.DisposeAsync();
}

/// <summary>Sums a counter of the overlay's meter, for one channel or reason tag value.</summary>
internal sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterProbe(string instrument, string tag, string value)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == PartisanMetrics.MeterName && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
        {
            foreach (var t in tags)
            {
                if (t.Key == tag && Equals(t.Value, value))
                {
                    Interlocked.Add(ref _total, measurement);
                }
            }
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
