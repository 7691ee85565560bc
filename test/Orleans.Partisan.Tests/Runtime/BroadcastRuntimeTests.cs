namespace Orleans.Partisan.Tests.Runtime;

/// <summary>The broadcast driver on real overlay nodes, with handlers in memory.</summary>
[Collection("Runtime")]
public sealed class BroadcastRuntimeTests
{
    private static readonly PlumtreeOptions Fast = Options(TimeSpan.FromMilliseconds(300));

    [Fact]
    public async Task A_broadcast_is_merged_once_on_every_node_and_the_root_appears_in_the_trees()
    {
        await using var nodes = new TestNodes();
        var (a, b, c) = await StartMeshAsync(nodes, new MemoryBroadcastHandler(), new MemoryBroadcastHandler(), new MemoryBroadcastHandler());

        Assert.True(await a.Node.BroadcastAsync(MemoryBroadcastHandler.Name, "m1"));
        await TestNodes.WaitUntilAsync(() => b.Handler.Merged.ContainsKey("m1") && c.Handler.Merged.ContainsKey("m1"), () => "m1 merged on b and c");
        Assert.Equal(("payload of m1", "payload of m1"), (b.Handler.Merged["m1"], c.Handler.Merged["m1"]));
        Assert.Equal((1, 0), (a.Node.GetBroadcastStatistics().Originated, b.Node.GetBroadcastStatistics().Originated));

        // Counted by the driver's loop after the handler merged it.
        await TestNodes.WaitUntilAsync(() => b.Node.GetBroadcastStatistics().Delivered == 1, () => $"one delivery counted on b; statistics {b.Node.GetBroadcastStatistics()}");

        // The same message again: the local handler already has it, so nothing is sent.
        var sent = a.Node.GetBroadcastStatistics().MessagesSent;
        Assert.False(await a.Node.BroadcastAsync(MemoryBroadcastHandler.Name, "m1"));
        Assert.Equal(sent, a.Node.GetBroadcastStatistics().MessagesSent);

        foreach (var node in new[] { a.Node, b.Node, c.Node })
        {
            var tree = Assert.Single(await node.GetBroadcastTreesAsync(), t => t.Root == a.Node.Name);
            Assert.All(tree.Eager.Concat(tree.Lazy), n => Assert.Contains(n, new[] { a.Node.Name, b.Node.Name, c.Node.Name }));
        }
    }

    [Fact]
    public async Task A_handler_that_throws_or_hangs_is_counted_and_holds_up_neither_its_node_nor_the_others()
    {
        await using var nodes = new TestNodes();
        var hanging = new TaskCompletionSource<bool>();
        var faulty = new MemoryBroadcastHandler { MergeHook = id => id == "hang" ? hanging.Task : id == "throw" ? throw new InvalidOperationException("boom") : null };

        // The handler timeout outlasts the test, so only a loop that does not wait for handlers gets past "hang".
        var (a, b, c) = await StartMeshAsync(nodes, new MemoryBroadcastHandler(), faulty, new MemoryBroadcastHandler(), Options(TimeSpan.FromMinutes(5)));
        await a.Node.BroadcastAsync(MemoryBroadcastHandler.Name, "hang");
        await a.Node.BroadcastAsync(MemoryBroadcastHandler.Name, "throw");
        await a.Node.BroadcastAsync(MemoryBroadcastHandler.Name, "fine");

        await TestNodes.WaitUntilAsync(() => faulty.Merged.ContainsKey("fine") && c.Handler.Merged.Keys.Order().SequenceEqual(["fine", "hang", "throw"]), () => "fine merged on b while its merge of hang hangs; every message on c");
        await TestNodes.WaitUntilAsync(() => b.Node.GetBroadcastStatistics().HandlerFailures == 1, () => $"the throw counted on b; {b.Node.GetBroadcastStatistics()}");
        Assert.Equal(0, c.Node.GetBroadcastStatistics().HandlerFailures);
        hanging.SetResult(true);
    }

    [Fact]
    public async Task A_handler_that_does_not_answer_in_time_is_counted()
    {
        await using var nodes = new TestNodes();
        var faulty = new MemoryBroadcastHandler { MergeHook = id => new TaskCompletionSource<bool>().Task };
        var (a, b, _) = await StartMeshAsync(nodes, new MemoryBroadcastHandler(), faulty, new MemoryBroadcastHandler(), Fast);

        await a.Node.BroadcastAsync(MemoryBroadcastHandler.Name, "late");
        await TestNodes.WaitUntilAsync(() => b.Node.GetBroadcastStatistics().HandlerFailures == 1, () => $"a timed-out merge counted on b; {b.Node.GetBroadcastStatistics()}");
    }

    [Fact]
    public async Task Broadcasting_with_an_unregistered_handler_names_the_registered_ones()
    {
        await using var nodes = new TestNodes();
        var node = await nodes.StartAsync(broadcastHandlers: new MemoryBroadcastHandler(), plumtree: Fast);

        var error = await Assert.ThrowsAsync<UnknownBroadcastHandlerException>(() => node.BroadcastAsync("nope", "m"));
        Assert.Equal("nope", error.Handler);
        Assert.Contains(MemoryBroadcastHandler.Name, error.Message);
        Assert.Equal([MemoryBroadcastHandler.Name], node.BroadcastHandlers);
        await Assert.ThrowsAsync<UnknownBroadcastHandlerException>(() => node.BroadcastAsync<IUnregisteredHandler>("m"));
    }

    private static async Task<((IPartisan Node, MemoryBroadcastHandler Handler) A, (IPartisan Node, MemoryBroadcastHandler Handler) B, (IPartisan Node, MemoryBroadcastHandler Handler) C)> StartMeshAsync(
        TestNodes nodes, MemoryBroadcastHandler ha, MemoryBroadcastHandler hb, MemoryBroadcastHandler hc, PlumtreeOptions? options = null)
    {
        var a = await nodes.StartAsync(broadcastHandlers: ha, plumtree: options ?? Fast);
        var b = await nodes.StartAsync(broadcastHandlers: hb, plumtree: options ?? Fast);
        var c = await nodes.StartAsync(broadcastHandlers: hc, plumtree: options ?? Fast);
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => new[] { a, b, c }.All(n => n.GetNodes().Count == 2), () => "a full mesh of three");
        return ((a, ha), (b, hb), (c, hc));
    }

    private static PlumtreeOptions Options(TimeSpan handlerTimeout) => new()
    {
        LazyTickInterval = TimeSpan.FromMilliseconds(100),
        GraftTimeout = TimeSpan.FromMilliseconds(200),
        SecondGraftTimeout = TimeSpan.FromMilliseconds(100),
        HandlerTimeout = handlerTimeout,
    };

    public interface IUnregisteredHandler : IPartisanBroadcastHandler
    {
    }
}
