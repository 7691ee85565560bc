using Microsoft.Extensions.Options;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Hosting;

public sealed class PartisanOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var o = new PartisanOptions();
        Assert.Equal(PartisanPeerService.FullMesh, o.PeerService);
        Assert.Null(o.ListenAddress);
        Assert.Equal(0, o.ListenPort);
        Assert.Null(o.ClusterId);
        Assert.Empty(o.Channels);
        Assert.Equal(TimeSpan.FromSeconds(10), o.GossipInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), o.ReconnectInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), o.MaxReconnectInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), o.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), o.HeartbeatTimeout);
        var transport = new Orleans.Partisan.Transport.TransportSettings { ClusterId = "c", LocalName = new NodeName("n"), ListenEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), Channels = System.Collections.Immutable.ImmutableSortedDictionary<string, ChannelOptions>.Empty };
        Assert.Equal((o.HeartbeatInterval, o.HeartbeatTimeout), (transport.HeartbeatInterval, transport.HeartbeatTimeout));
        Assert.Equal(16 * 1024 * 1024, o.MaxFrameSize);
        Assert.Equal(1024, o.SendQueueCapacity);
        Assert.True(o.FollowClusterMembership);
        Assert.Equal(6, o.RelayHopLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), o.CallTimeout);
        Assert.Equal(o.CallTimeout, new PartisanNodeSettings { Transport = null! }.CallTimeout);
        Assert.Equal(1, new ChannelOptions().Parallelism);
        Assert.False(new ChannelOptions().Monotonic);
        Assert.Equal(1024, o.Delivery.MaxUnackedMessages);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Delivery.AckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Delivery.RetransmitInterval);
        Assert.False(o.Delivery.FailOnNodeDown);
        Assert.Equal(10_000, o.Delivery.MaxCausalBuffered);
        Assert.Empty(PartisanOptionsValidator.Validate(o));
        o.CallTimeout = Timeout.InfiniteTimeSpan;
        Assert.Empty(PartisanOptionsValidator.Validate(o));
        o.HeartbeatTimeout = Timeout.InfiniteTimeSpan;
        Assert.Empty(PartisanOptionsValidator.Validate(o));
    }

    [Fact]
    public void The_node_takes_the_delivery_defaults_from_the_options()
    {
        var settings = new PartisanNodeSettings { Transport = null! };
        var defaults = new PartisanOptions().Delivery;

        Assert.Equal(
            (defaults.MaxUnackedMessages, defaults.AckTimeout, defaults.RetransmitInterval, defaults.FailOnNodeDown, defaults.MaxCausalBuffered),
            (settings.Delivery.MaxUnackedMessages, settings.Delivery.AckTimeout, settings.Delivery.RetransmitInterval, settings.Delivery.FailOnNodeDown, settings.Delivery.MaxCausalBuffered));
        var infinite = new PartisanOptions();
        infinite.Delivery.AckTimeout = Timeout.InfiniteTimeSpan;
        Assert.Empty(PartisanOptionsValidator.Validate(infinite));
    }

    public static TheoryData<string, Action<PartisanOptions>> Invalid => new()
    {
        { "ListenPort", o => o.ListenPort = 70000 },
        { "ClusterId", o => o.ClusterId = " " },
        { "Parallelism", o => o.Channels["bulk"] = new ChannelOptions { Parallelism = 0 } },
        { "blank channel name", o => o.Channels[""] = new ChannelOptions() },
        { "GossipInterval", o => o.GossipInterval = TimeSpan.Zero },
        { "ReconnectInterval", o => o.ReconnectInterval = TimeSpan.FromSeconds(-1) },
        { "ConnectTimeout", o => o.ConnectTimeout = TimeSpan.Zero },
        { "HeartbeatInterval", o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(5) },
        { "HeartbeatInterval", o => (o.HeartbeatInterval, o.HeartbeatTimeout) = (TimeSpan.FromDays(2), Timeout.InfiniteTimeSpan) },
        { "HeartbeatTimeout", o => o.HeartbeatTimeout = TimeSpan.FromSeconds(2) },
        { "MaxReconnectInterval", o => o.MaxReconnectInterval = TimeSpan.FromMilliseconds(500) },
        { "MaxFrameSize", o => o.MaxFrameSize = 10 },
        { "SendQueueCapacity", o => o.SendQueueCapacity = 0 },
        { "RelayHopLimit", o => o.RelayHopLimit = 0 },
        { "CallTimeout", o => o.CallTimeout = TimeSpan.Zero },
        { "HyParView.MinActiveViewSize", o => { o.PeerService = PartisanPeerService.HyParView; o.HyParView.MinActiveViewSize = 9; } },
        { "PeerService", o => o.PeerService = (PartisanPeerService)42 },
        { "Plumtree.SecondGraftTimeout", o => o.Plumtree.SecondGraftTimeout = TimeSpan.FromSeconds(5) },
        { "Plumtree.HandlerTimeout", o => o.Plumtree.HandlerTimeout = TimeSpan.Zero },
        { "Plumtree.MaxTrees", o => o.Plumtree.MaxTrees = 0 },
        { "FailureDetection.Witnesses", o => o.FailureDetection.Witnesses = 1 },
        { "Delivery.MaxUnackedMessages", o => o.Delivery.MaxUnackedMessages = 0 },
        { "Delivery.AckTimeout", o => o.Delivery.AckTimeout = TimeSpan.Zero },
        { "Delivery.RetransmitInterval", o => o.Delivery.RetransmitInterval = TimeSpan.FromSeconds(-1) },
        { "Delivery.MaxCausalBuffered", o => o.Delivery.MaxCausalBuffered = 0 },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_option_is_named_with_the_reason(string option, Action<PartisanOptions> breakIt)
    {
        var o = new PartisanOptions();
        breakIt(o);
        var error = Assert.Single(PartisanOptionsValidator.Validate(o));
        Assert.Contains(option, error);

        var validator = new PartisanOptionsValidator(Options.Create(o), []);
        var exception = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);
        Assert.Contains(option, exception.Message);
    }

    [Fact]
    public void Plumtree_defaults_are_the_documented_ones()
    {
        var p = new PartisanOptions().Plumtree;
        Assert.Equal(
            (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)),
            (p.LazyTickInterval, p.GraftTimeout, p.SecondGraftTimeout, p.OptimizationThreshold, p.ExchangeInterval, p.HandlerTimeout));
        Assert.Equal((30, 10_000, 512, 1024), (p.MessageIdRetentionTicks, p.MaxRememberedMessageIds, p.MaxAnnouncementsPerIHave, p.MaxTrees));
        Assert.Empty(p.Validate());
    }

    [Fact]
    public void A_broadcast_handler_on_an_unknown_channel_or_a_duplicate_name_is_refused_at_start_up()
    {
        var o = new PartisanOptions();
        o.Channels["kv"] = new ChannelOptions();
        BroadcastHandlerRegistration[] handlers =
        [
            new("kv", typeof(IPartisanBroadcastHandler), "kv"),
            new("elsewhere", typeof(IPartisanBroadcastHandler), "nowhere"),
            new("kv", typeof(IPartisanMessageReceiver), PartisanChannels.Default),
        ];

        var errors = PartisanOptionsValidator.ValidateHandlers(o, handlers).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("'nowhere'") && e.Contains("elsewhere"));
        Assert.Contains(errors, e => e.Contains("'kv'") && e.Contains("more than one"));
        Assert.Empty(PartisanOptionsValidator.ValidateHandlers(o, handlers.Take(1)));
        var exception = Assert.Throws<OrleansConfigurationException>(new PartisanOptionsValidator(Options.Create(o), handlers).ValidateConfiguration);
        Assert.Contains("nowhere", exception.Message);
    }
}
