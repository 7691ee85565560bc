using Orleans.Partisan.Protocols.HyParView;

namespace Orleans.Partisan.Tests.Protocols.HyParView;

public sealed class HyParViewOptionsTests
{
    [Fact]
    public void Defaults_are_the_papers_and_valid()
    {
        var o = new HyParViewOptions();
        Assert.Equal(5, o.ActiveViewSize);
        Assert.Equal(3, o.MinActiveViewSize);
        Assert.Equal(30, o.PassiveViewSize);
        Assert.Equal(6, o.ActiveRandomWalkLength);
        Assert.Equal(3, o.PassiveRandomWalkLength);
        Assert.Equal(3, o.ShuffleActiveCount);
        Assert.Equal(4, o.ShufflePassiveCount);
        Assert.Equal(TimeSpan.FromSeconds(10), o.ShuffleInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), o.PromotionInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), o.NeighborTimeout);
        Assert.Empty(o.Validate());
    }

    public static TheoryData<string, Action<HyParViewOptions>> Invalid => new()
    {
        { "ActiveViewSize", o => o.ActiveViewSize = 0 },
        { "MinActiveViewSize", o => o.MinActiveViewSize = 0 },
        { "MinActiveViewSize", o => o.MinActiveViewSize = 6 },
        { "PassiveViewSize", o => o.PassiveViewSize = 0 },
        { "ActiveRandomWalkLength", o => o.ActiveRandomWalkLength = 0 },
        { "PassiveRandomWalkLength", o => o.PassiveRandomWalkLength = 0 },
        { "PassiveRandomWalkLength", o => o.PassiveRandomWalkLength = 7 },
        { "ShuffleActiveCount", o => o.ShuffleActiveCount = -1 },
        { "ShuffleActiveCount", o => o.ShuffleActiveCount = 6 },
        { "ShufflePassiveCount", o => o.ShufflePassiveCount = 31 },
        { "ShuffleInterval", o => o.ShuffleInterval = TimeSpan.Zero },
        { "PromotionInterval", o => o.PromotionInterval = TimeSpan.FromSeconds(-1) },
        { "NeighborTimeout", o => o.NeighborTimeout = TimeSpan.Zero },
        { "NeighborTimeout", o => o.NeighborTimeout = TimeSpan.FromDays(60) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_option_is_named_once_with_the_reason(string option, Action<HyParViewOptions> breakIt)
    {
        var o = new HyParViewOptions();
        breakIt(o);
        var error = Assert.Single(o.Validate());
        Assert.StartsWith(option + " must", error, StringComparison.Ordinal);

        var exception = Assert.Throws<ArgumentException>(() => new HyParViewCore(HyParViewTestKit.Spec(0), o, new Random(1)));
        Assert.Contains(option, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_smaller_active_view_moves_the_bounds_that_depend_on_it()
    {
        var o = new HyParViewOptions { ActiveViewSize = 2 };
        Assert.Equal(2, o.Validate().Count);
        Assert.Contains(o.Validate(), e => e.StartsWith("MinActiveViewSize", StringComparison.Ordinal));
        Assert.Contains(o.Validate(), e => e.StartsWith("ShuffleActiveCount", StringComparison.Ordinal));

        o.MinActiveViewSize = 2;
        o.ShuffleActiveCount = 1;
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void The_core_keeps_a_copy_of_its_options()
    {
        var o = new HyParViewOptions();
        var core = new HyParViewCore(HyParViewTestKit.Spec(0), o, new Random(1));
        o.ShuffleInterval = TimeSpan.FromMinutes(5);
        Assert.Contains(core.Start(), e => e is Orleans.Partisan.Protocols.ArmTimerEffect { Timer: HyParViewTimer.Shuffle } arm && arm.Due == TimeSpan.FromSeconds(10));
    }
}
