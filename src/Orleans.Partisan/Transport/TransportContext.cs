using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Transport;

/// <summary>What every part of one node's transport shares: settings, codec, clock, log and channel table.</summary>
internal sealed class TransportContext
{
    private readonly Dictionary<string, int> _channelIndex;
    private readonly long _epoch;

    public TransportContext(TransportSettings settings, WireCodec codec, ILogger logger, TimeProvider timeProvider, IPartisanInterposer? interposer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!settings.Channels.ContainsKey(PartisanChannels.Default))
        {
            throw new ArgumentException($"The channels must include '{PartisanChannels.Default}'.", nameof(settings));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxFrameSize, 1, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.SendQueueCapacity, 1, nameof(settings));

        Settings = settings;
        Codec = codec;
        Logger = logger;
        TimeProvider = timeProvider;
        _epoch = timeProvider.GetTimestamp();
        ChannelNames = [.. settings.Channels.Keys];
        ChannelOptions = [.. settings.Channels.Values];
        _channelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ChannelNames.Length; i++)
        {
            if (ChannelOptions[i].Parallelism < 1)
            {
                throw new ArgumentException($"Channel '{ChannelNames[i]}' has parallelism {ChannelOptions[i].Parallelism}; it must be at least 1.", nameof(settings));
            }

            _channelIndex.Add(ChannelNames[i], i);
        }

        DefaultChannel = _channelIndex[PartisanChannels.Default];
        ChannelList = string.Join(", ", ChannelNames);
        Interposition = interposer is null ? null : new Interposition(this, interposer);
    }

    public TransportSettings Settings { get; }

    /// <summary>Turns messages into frame bodies and back.</summary>
    public WireCodec Codec { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>The time on <see cref="TimeProvider"/>'s monotonic clock since the transport was created.</summary>
    public TimeSpan Now => TimeProvider.GetElapsedTime(_epoch);

    /// <summary>The configured channels, in a fixed order; a channel's index is its position.</summary>
    public string[] ChannelNames { get; }

    /// <summary>The configured channels' options, by index.</summary>
    public ChannelOptions[] ChannelOptions { get; }

    /// <summary>The index of <see cref="PartisanChannels.Default"/>.</summary>
    public int DefaultChannel { get; }

    /// <summary>The channel names, comma separated, for messages.</summary>
    public string ChannelList { get; }

    /// <summary>The fault-injection hook, or <see langword="null"/> (the usual case: then it costs one null check per message).</summary>
    public Interposition? Interposition { get; }

    /// <summary>This node's spec, once the listener is bound.</summary>
    public NodeSpec? LocalSpec { get; set; }

    /// <summary>The index of <paramref name="channel"/>, or -1 if it is not configured.</summary>
    public int IndexOf(string? channel)
        => channel is not null && _channelIndex.TryGetValue(channel, out var index) ? index : -1;

    /// <summary>A token source that cancels after <see cref="TransportSettings.ConnectTimeout"/> on the injected clock.</summary>
    public CancellationTokenSource CreateHandshakeTimeout() => new(Settings.ConnectTimeout, TimeProvider);
}
