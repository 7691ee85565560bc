using Microsoft.Extensions.Configuration;
using Orleans.Partisan.Hosting;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Hosting;

/// <summary>The options of the client-server and static peer services: defaults, binding from configuration, and the start-up checks.</summary>
public sealed class PeerServiceOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var o = new PartisanOptions();
        Assert.Equal(PartisanNodeRole.Server, o.ClientServer.Role);
        Assert.Empty(o.Static.Members);
        var settings = new PartisanNodeSettings { Transport = null! };
        Assert.Equal(o.ClientServer.Role, settings.ClientServerRole);
        Assert.Empty(settings.StaticMembers);
    }

    [Fact]
    public void Both_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Partisan:PeerService"] = "Static",
            ["Partisan:ListenPort"] = "11300",
            ["Partisan:ClientServer:Role"] = "Client",
            ["Partisan:Static:Members:0"] = "10.0.0.1:11300",
            ["Partisan:Static:Members:1"] = "[::1]:11301",
        }).Build();
        var o = new PartisanOptions();
        configuration.GetSection("Partisan").Bind(o);

        Assert.Equal(PartisanPeerService.Static, o.PeerService);
        Assert.Equal(PartisanNodeRole.Client, o.ClientServer.Role);
        Assert.Equal(["10.0.0.1:11300", "[::1]:11301"], o.Static.Members);
        Assert.Empty(PartisanOptionsValidator.Validate(o));
    }

    [Fact]
    public void A_client_that_does_not_follow_the_cluster_membership_would_have_no_server()
    {
        var o = new PartisanOptions { PeerService = PartisanPeerService.ClientServer, FollowClusterMembership = false };
        Assert.Empty(PartisanOptionsValidator.Validate(o));

        o.ClientServer.Role = PartisanNodeRole.Client;
        var error = Assert.Single(PartisanOptionsValidator.Validate(o));
        Assert.Contains("ClientServer.Role is Client and FollowClusterMembership is false", error, StringComparison.Ordinal);

        o.ClientServer.Role = (PartisanNodeRole)7;
        Assert.Contains("ClientServer.Role 7 is neither Server nor Client", Assert.Single(PartisanOptionsValidator.Validate(o)), StringComparison.Ordinal);
    }

    public static TheoryData<int, string[], string> InvalidStatic => new()
    {
        { 11300, [], "Static.Members must list the overlay endpoints" },
        { 0, ["10.0.0.1:11300"], "Static.ListenPort must be fixed (not 0)" },
        { 11300, ["10.0.0.1:11301", "10.0.0.2:11302"], "Static.Members must include this node's own endpoint, and none has its ListenPort 11300" },
        { 11300, ["10.0.0.1:11300", "node-2:11300"], "Static.Members entry 'node-2:11300' is not an address:port endpoint" },
        { 11300, ["10.0.0.1:11300", "10.0.0.2"], "Static.Members entry '10.0.0.2' is not an address:port endpoint" },
    };

    [Theory]
    [MemberData(nameof(InvalidStatic))]
    public void A_static_list_that_cannot_work_is_refused_with_the_reason(int listenPort, string[] members, string expected)
    {
        var o = new PartisanOptions { PeerService = PartisanPeerService.Static, ListenPort = listenPort };
        o.Static.Members.AddRange(members);

        var errors = PartisanOptionsValidator.Validate(o);

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_static_list_is_checked_only_under_the_static_peer_service()
    {
        var o = new PartisanOptions { PeerService = PartisanPeerService.FullMesh };
        Assert.Empty(PartisanOptionsValidator.Validate(o));
        o.PeerService = PartisanPeerService.Static;
        Assert.NotEmpty(PartisanOptionsValidator.Validate(o));
    }
}
