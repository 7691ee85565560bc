using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Protocols.Broadcast;
using Orleans.Serialization;
using static Orleans.Partisan.Tests.Protocols.Broadcast.BroadcastTestKit;

namespace Orleans.Partisan.Tests.Protocols.Broadcast;

/// <summary>The documented defaults of the options this core added, their validation, and the graft's wire form.</summary>
public sealed class PlumtreeOptionsTests
{
    [Fact]
    public void The_added_options_have_their_documented_defaults()
    {
        var options = new PlumtreeOptions();
        Assert.Equal(30, options.MessageIdRetentionTicks);
        Assert.Equal(10_000, options.MaxRememberedMessageIds);
        Assert.Equal(512, options.MaxAnnouncementsPerIHave);
        Assert.Equal(1024, options.MaxTrees);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Each_invalid_bound_is_named()
    {
        var errors = new PlumtreeOptions { MessageIdRetentionTicks = 0, MaxRememberedMessageIds = 15, MaxAnnouncementsPerIHave = 0, MaxTrees = 0 }.Validate();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("MessageIdRetentionTicks must be at least 1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxRememberedMessageIds must be at least 16", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxAnnouncementsPerIHave must be at least 1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxTrees must be at least 1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cores_refuse_invalid_options_naming_them()
    {
        var bad = new PlumtreeOptions { MaxTrees = 0 };
        Assert.Contains("MaxTrees", Assert.Throws<ArgumentException>(() => new PlumtreeCore(Name(0), bad, new Random(1))).Message);
        Assert.Contains("MaxTrees", Assert.Throws<ArgumentException>(() => new FloodCore(Name(0), bad, new Random(1))).Message);
    }

    [Fact]
    public void A_link_only_graft_keeps_its_flag_over_the_wire()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var graft = new BroadcastGraft(Handler, "m", Name(9), 3) { LinkOnly = true };

        var copy = Assert.IsType<BroadcastGraft>(serializer.Deserialize<object>(serializer.SerializeToArray<object>(graft)));
        Assert.Equal(graft, copy);
        Assert.True(copy.LinkOnly);
    }
}
