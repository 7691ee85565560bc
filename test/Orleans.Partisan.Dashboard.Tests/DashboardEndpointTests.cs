using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Dashboard.Tests;

/// <summary>The page, its JSON state and its event stream, over HTTP against an in-process cluster.</summary>
public sealed class DashboardEndpointTests
{
    [Fact]
    public async Task State_shows_every_silo_with_its_views_channels_lanes_connections_and_broadcast_tree()
    {
        await using var host = await DashboardHost.StartAsync(3, o => o.Channels["bulk"] = new ChannelOptions { Parallelism = 2 });
        var root = await host.BroadcastAsync();
        var nodes = host.NodeNames;

        var state = await Eventually.Until(
            ReadStateAsync,
            s => StateJson.Nodes(s).SequenceEqual(nodes) && nodes.All(n => StateJson.Silo(s, n).GetProperty("trees").GetArrayLength() > 0),
            DashboardHost.Timeout,
            s => $"the state to list the silos [{string.Join(", ", nodes)}], each with a broadcast tree; it was {s}");

        foreach (var node in nodes)
        {
            var silo = StateJson.Silo(state, node);
            var others = nodes.Where(n => n != node).ToList();
            Assert.True(silo.GetProperty("error").ValueKind == JsonValueKind.Null, $"{node} has an error: {silo.GetProperty("error")}");
            Assert.Equal(others, StateJson.Strings(silo.GetProperty("active")));
            Assert.Empty(StateJson.Strings(silo.GetProperty("passive")));
            Assert.Equal(nodes, StateJson.Strings(silo.GetProperty("members")));
            var bulk = silo.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "bulk");
            Assert.Equal(2, bulk.GetProperty("lanes").GetInt32());

            var outbound = silo.GetProperty("connections").EnumerateArray()
                .Where(c => c.GetProperty("direction").GetString() == "Outbound")
                .Select(c => (Peer: c.GetProperty("peer").GetString()!, Channel: c.GetProperty("channel").GetString()!, Lane: c.GetProperty("lane").GetInt32()))
                .ToHashSet();
            foreach (var peer in others)
            {
                Assert.Contains((peer, "bulk", 0), outbound);
                Assert.Contains((peer, "bulk", 1), outbound);
                Assert.Contains((peer, PartisanChannels.Default, 0), outbound);
            }

            var tree = silo.GetProperty("trees").EnumerateArray().Single(t => t.GetProperty("root").GetString() == root);
            var links = StateJson.Strings(tree.GetProperty("eager")).Concat(StateJson.Strings(tree.GetProperty("lazy"))).Order(StringComparer.Ordinal);
            Assert.Equal(others, links); // in a full mesh every neighbour is an eager or a lazy link of the tree
        }

        // The tree's root pushes its broadcasts eagerly to at least one neighbour.
        Assert.NotEmpty(StateJson.Strings(StateJson.Silo(state, root).GetProperty("trees").EnumerateArray().Single(t => t.GetProperty("root").GetString() == root).GetProperty("eager")));

        async Task<JsonElement> ReadStateAsync()
        {
            using var response = await host.Http.GetAsync("state");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
    }

    [Fact]
    public async Task Page_is_one_self_contained_html_file_that_fetches_nothing_from_elsewhere()
    {
        await using var host = await DashboardHost.StartAsync(1);

        foreach (var path in new[] { host.Page.AbsolutePath.TrimEnd('/'), host.Page.AbsolutePath })
        {
            using var response = await host.Http.GetAsync(new Uri(host.Page, path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("<svg id=\"overlay\"", html);
            Assert.Contains("new EventSource(base + \"/events\")", html);
            Assert.DoesNotContain("<script src", html);
            Assert.DoesNotContain("<link", html);
            Assert.DoesNotContain("@import", html);
            // The only address in the page is SVG's namespace, which is a name, not a download.
            var addresses = System.Text.RegularExpressions.Regex.Matches(html, "https?://[^\"'\\s)]*").Select(m => m.Value).Distinct();
            Assert.Equal(["http://www.w3.org/2000/svg"], addresses);
        }
    }

    [Fact]
    public async Task Event_stream_sends_the_state_then_the_nodedown_of_a_silo_that_stops_and_the_state_without_it()
    {
        await using var host = await DashboardHost.StartAsync(3, dashboard: o => o.RefreshInterval = TimeSpan.FromMilliseconds(200));
        var stopping = host.Cluster.GetActiveSilos().Last();
        var stoppingNode = stopping.SiloAddress.GetNodeName().Value;
        using var deadline = new CancellationTokenSource(DashboardHost.Timeout);
        using var response = await host.Http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var seen = new List<string>();

        var first = await NextAsync("state");
        Assert.Equal(host.NodeNames, StateJson.Nodes(first));

        await host.Cluster.StopSiloAsync(stopping);
        var down = await NextAsync("node", e => e.GetProperty("kind").GetString() == "nodedown" && e.GetProperty("node").GetString() == stoppingNode);
        Assert.NotEqual(stoppingNode, down.GetProperty("observer").GetString());
        Assert.Equal(nameof(NodeDownReason.Left), down.GetProperty("reason").GetString());
        await NextAsync("state", s => !StateJson.Nodes(s).Contains(stoppingNode) && StateJson.Nodes(s).Count == 2);

        async Task<JsonElement> NextAsync(string name, Func<JsonElement, bool>? match = null)
        {
            deadline.CancelAfter(DashboardHost.Timeout); // each wait has the whole timeout, however long the silo took to stop
            try
            {
                string? eventName = null;
                while (await reader.ReadLineAsync(deadline.Token) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        eventName = line["event: ".Length..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                        seen.Add($"{eventName}: {(eventName == "state" ? string.Join(",", StateJson.Nodes(data)) : line)}");
                        if (eventName == name && (match is null || match(data)))
                        {
                            return data;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
            }

            Assert.Fail($"No matching '{name}' event within {DashboardHost.Timeout} (waiting for {stoppingNode} to go); seen: {string.Join(" | ", seen.TakeLast(20))}");
            return default;
        }
    }

    [Theory]
    [InlineData(nameof(PartisanDashboardOptions.RefreshInterval))]
    [InlineData(nameof(PartisanDashboardOptions.EventHistory))]
    [InlineData(nameof(PartisanDashboardOptions.SiloTimeout))]
    public async Task An_option_out_of_range_fails_at_mapping_naming_it(string option)
    {
        await using var app = AppWithGrainFactory();
        var error = Assert.Throws<ArgumentException>(() => app.MapPartisanDashboard(configure: o =>
        {
            switch (option)
            {
                case nameof(PartisanDashboardOptions.RefreshInterval):
                    o.RefreshInterval = TimeSpan.Zero;
                    break;
                case nameof(PartisanDashboardOptions.EventHistory):
                    o.EventHistory = -1;
                    break;
                default:
                    o.SiloTimeout = TimeSpan.FromHours(1);
                    break;
            }
        }));
        Assert.Contains(option, error.Message);
    }

    [Fact]
    public void The_documented_defaults_are_the_real_ones()
    {
        var options = new PartisanDashboardOptions();
        Assert.Equal((TimeSpan.FromSeconds(1), 200, TimeSpan.FromSeconds(5)), (options.RefreshInterval, options.EventHistory, options.SiloTimeout));
    }

    [Fact]
    public async Task Mapping_without_Orleans_fails_saying_what_is_missing()
    {
        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        await using var app = web.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapPartisanDashboard());
        Assert.Contains("UseOrleans", error.Message);
    }

    private static WebApplication AppWithGrainFactory()
    {
        var web = WebApplication.CreateSlimBuilder();
        web.Logging.ClearProviders();
        web.Services.AddOrleansClient(client => client.UseLocalhostClustering());
        return web.Build();
    }
}
