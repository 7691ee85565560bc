using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>A close reason is typed: its kind picks the metric tag, its detail only adds to the log line.</summary>
public sealed class CloseReasonTests
{
    [Fact]
    public void Every_kind_has_a_tag_of_its_own()
    {
        var kinds = Enum.GetValues<CloseKind>();

        var tags = kinds.Select(k => new CloseReason(k, "some detail").Tag).ToList();

        Assert.Equal(kinds.Length, tags.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tags, tag => Assert.Matches("^[a-z_]+$", tag));
    }

    [Fact]
    public void The_detail_is_in_the_log_text_and_not_in_the_tag()
    {
        var reason = new CloseReason(CloseKind.ProtocolError, "invalid frame length -4");

        Assert.Equal("protocol_error", reason.Tag);
        Assert.Equal("protocol error: invalid frame length -4", reason.ToString());
        Assert.Equal("connection closed by peer", new CloseReason(CloseKind.PeerClosed).ToString());
    }
}
