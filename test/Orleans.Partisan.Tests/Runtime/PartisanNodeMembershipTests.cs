namespace Orleans.Partisan.Tests.Runtime;

/// <summary>Join, leave and re-join of overlay nodes over real loopback sockets, outside Orleans.</summary>
[Collection("Runtime")]
public sealed class PartisanNodeMembershipTests
{
    [Fact]
    public async Task Joining_any_member_connects_a_node_to_all_and_sync_join_waits_for_it()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        var c = await nodes.StartAsync();
        var d = await nodes.StartAsync();

        // sync_join: when JoinAsync returns, the joiner is fully connected to every member it knows.
        await b.JoinAsync(a.Spec.ListenAddresses[0]);      // by endpoint
        AssertFullyConnectedToKnown(b);
        await c.JoinAsync(b.Spec);                          // by spec, through a non-seed
        AssertFullyConnectedToKnown(c);
        Assert.Contains(a.Name, c.GetNodes(NodeSelection.Known));
        await d.JoinAsync(a.Spec);
        AssertFullyConnectedToKnown(d);

        var all = nodes.Nodes.Select(n => n.Name).Order().ToList();
        await TestNodes.WaitUntilAsync(
            () => nodes.Nodes.All(n => n.GetNodes(NodeSelection.Known).SequenceEqual(all) && all.Where(m => m != n.Name).All(n.IsFullyConnected)),
            () => "all four fully connected: " + string.Join("; ", nodes.Nodes.Select(TestNodes.Known)));
        Assert.Equal(d.Spec, a.GetNodeSpec(d.Name));
        Assert.Equal([a.Name], a.GetNodes(NodeSelection.This));
        Assert.Equal(all, a.GetNodes(NodeSelection.All));
        Assert.Equal(all.Where(n => n != a.Name), a.GetNodes(NodeSelection.Connected));
    }

    [Fact]
    public async Task A_graceful_leave_is_seen_as_a_leave_and_the_node_can_join_again()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        var c = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.GetNodes(NodeSelection.Known).Count == 3 && a.IsFullyConnected(c.Name) && b.IsFullyConnected(c.Name), () => TestNodes.Known(a));

        using var watch = new CancellationTokenSource(TestNodes.Timeout);
        var downAtA = FirstAsync(a.WatchNodesAsync(watch.Token), e => e.Kind == NodeEventKind.Down && e.Node == c.Name);
        var downAtB = FirstAsync(b.WatchNodesAsync(watch.Token), e => e.Kind == NodeEventKind.Down && e.Node == c.Name);

        await c.LeaveAsync();

        Assert.Equal(NodeDownReason.Left, (await downAtA).Reason);
        Assert.Equal(NodeDownReason.Left, (await downAtB).Reason);
        Assert.Equal([c.Name], c.GetNodes(NodeSelection.Known));
        await TestNodes.WaitUntilAsync(() => !a.GetNodes(NodeSelection.Known).Contains(c.Name) && !b.GetNodes(NodeSelection.Known).Contains(c.Name), () => TestNodes.Known(a) + "; " + TestNodes.Known(b));
        await TestNodes.WaitUntilAsync(() => !a.IsConnected(c.Name), () => $"{a.Name} to stop dialling {c.Name}");

        await c.JoinAsync(b.Spec);
        await TestNodes.WaitUntilAsync(() => nodes.Nodes.All(n => n.GetNodes(NodeSelection.Known).Count == 3) && a.IsFullyConnected(c.Name), () => string.Join("; ", nodes.Nodes.Select(TestNodes.Known)));
    }

    [Fact]
    public async Task A_node_that_leaves_and_closes_at_once_is_still_seen_to_leave()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        var c = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(c.Name) && b.IsFullyConnected(c.Name) && c.IsFullyConnected(a.Name) && c.IsFullyConnected(b.Name), () => TestNodes.Known(c));

        using var watch = new CancellationTokenSource(TestNodes.Timeout);
        var downAtA = FirstAsync(a.WatchNodesAsync(watch.Token), e => e.Kind == NodeEventKind.Down && e.Node == c.Name);
        var downAtB = FirstAsync(b.WatchNodesAsync(watch.Token), e => e.Kind == NodeEventKind.Down && e.Node == c.Name);

        // As a silo that stops: the leave, then every connection closed. The leave is over only once the
        // members have handled it, so none sees the connections close first.
        await c.LeaveAsync();
        await c.DisposeAsync();

        Assert.Equal(NodeDownReason.Left, (await downAtA).Reason);
        Assert.Equal(NodeDownReason.Left, (await downAtB).Reason);
    }

    [Fact]
    public async Task A_node_removed_by_another_learns_it_and_stops_being_a_member()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        var c = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await c.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => b.GetNodes(NodeSelection.Known).Count == 3, () => TestNodes.Known(b));

        await a.LeaveAsync(c.Name);

        await TestNodes.WaitUntilAsync(() => c.GetNodes(NodeSelection.Known).Count == 1, () => TestNodes.Known(c));
        await TestNodes.WaitUntilAsync(() => !b.GetNodes(NodeSelection.Known).Contains(c.Name), () => TestNodes.Known(b));
        Assert.DoesNotContain(c.Name, a.GetNodes(NodeSelection.Known));
    }

    [Fact]
    public async Task Disconnect_node_reports_nodedown_and_the_member_is_dialled_again_at_the_next_tick()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync(gossipInterval: TimeSpan.FromMilliseconds(200));
        var b = await nodes.StartAsync();
        await b.JoinAsync(a.Spec);
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name), () => $"{a.Name} fully connected to {b.Name}");
        using var watch = new CancellationTokenSource(TestNodes.Timeout);
        var events = a.WatchNodesAsync(watch.Token).GetAsyncEnumerator(watch.Token);

        await a.DisconnectNodeAsync(b.Name);

        Assert.True(await events.MoveNextAsync());
        Assert.Equal((NodeEventKind.Down, b.Name, NodeDownReason.Disconnected), (events.Current.Kind, events.Current.Node, events.Current.Reason));
        Assert.True(await events.MoveNextAsync());
        Assert.Equal((NodeEventKind.Up, b.Name), (events.Current.Kind, events.Current.Node));
        await TestNodes.WaitUntilAsync(() => a.IsFullyConnected(b.Name), () => $"{a.Name} fully connected to {b.Name} again");
    }

    [Fact]
    public async Task Join_can_be_cancelled_while_the_seed_does_not_answer()
    {
        await using var nodes = new TestNodes();
        var a = await nodes.StartAsync();
        var b = await nodes.StartAsync();
        var gone = b.Spec;
        await b.DisposeAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.JoinAsync(gone, cancel.Token));
    }

    private static void AssertFullyConnectedToKnown(IPartisan joiner)
        => Assert.All(joiner.GetNodes(NodeSelection.Known).Where(n => n != joiner.Name), n => Assert.True(joiner.IsFullyConnected(n), $"{joiner.Name} fully connected to {n}"));

    private static async Task<NodeEvent> FirstAsync(IAsyncEnumerable<NodeEvent> events, Func<NodeEvent, bool> match)
    {
        await foreach (var e in events)
        {
            if (match(e))
            {
                return e;
            }
        }

        throw new InvalidOperationException("The event stream ended without the expected event.");
    }
}
