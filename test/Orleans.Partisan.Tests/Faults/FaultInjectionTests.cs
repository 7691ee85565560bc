using Orleans.Partisan.Testing;
using Orleans.Partisan.Tests.Runtime;

namespace Orleans.Partisan.Tests.Faults;

/// <summary>
/// Fault rules acting in the transport of real overlay nodes on loopback: drops, delays and
/// partitions hit exactly the matching messages.
/// </summary>
/// <remarks>
/// Non-delivery is proven with barriers, never with sleeps: once the rules that drop are gone, a
/// barrier message on every link is sent and awaited; links are FIFO (one lane), so a message sent
/// before on a link that had not arrived by then never will.
/// </remarks>
[Collection("Runtime")]
public sealed class FaultInjectionTests
{
    private static readonly TimeSpan TimerTolerance = TimeSpan.FromMilliseconds(5);

    [Fact]
    public async Task A_drop_rule_drops_exactly_the_matching_messages_and_nothing_else()
    {
        using var dropped = new DroppedCounter();
        await using var harness = await FaultHarness.StartAsync(3);
        var (a, b) = (harness.Nodes[0], harness.Nodes[1]);

        using (harness.Faults.Drop(from: a.Name, to: b.Name, channel: FaultHarness.Bulk))
        {
            var sent = new List<FaultHarness.Sent>();
            for (var round = 0; round < 3; round++)
            {
                sent.AddRange(await harness.SendOnEveryLinkAsync($"drop{round}"));
            }

            var lost = sent.Where(s => s.From == a.Name && s.To == b.Name && s.Channel == FaultHarness.Bulk).ToList();
            Assert.Equal(3, lost.Count);
            await harness.WaitForAsync(sent.Except(lost), "every message but a->b on bulk");
            Assert.Equal(3, dropped["injected", "send", FaultHarness.Bulk]);
        }

        await harness.BarrierAsync("after");
        for (var round = 0; round < 3; round++)
        {
            var arrived = harness.ArrivedTagged($"drop{round}");
            Assert.Equal(3 * 2 * 2 - 1, arrived.Count);
            Assert.DoesNotContain($"drop{round}:{a.Name}->{b.Name}@{FaultHarness.Bulk}", arrived);
        }

        Assert.Equal(3, dropped.Total("injected"));
        Assert.Empty(harness.Faults.Rules);
    }

    [Fact]
    public async Task A_delay_rule_delays_the_matching_messages_and_keeps_their_order_per_link()
    {
        await using var harness = await FaultHarness.StartAsync(2);
        var (a, b) = (harness.Nodes[0], harness.Nodes[1]);
        var slow = TimeSpan.FromMilliseconds(250);
        var fast = TimeSpan.FromMilliseconds(10);
        var sentAt = new Dictionary<string, (TimeSpan At, TimeSpan Delay)>();

        // The first messages wait long, the next ones briefly: the later ones must not overtake.
        var rule = harness.Faults.Delay(slow, from: a.Name, to: b.Name, channel: PartisanChannels.Default);
        for (var i = 0; i < 20; i++)
        {
            sentAt[$"m{i:00}"] = (harness.Now, slow);
            await harness.SendAsync(a, b, PartisanChannels.Default, $"m{i:00}");
        }

        rule.Dispose();
        using (harness.Faults.Delay(fast, from: a.Name, to: b.Name, channel: PartisanChannels.Default))
        {
            for (var i = 20; i < 40; i++)
            {
                sentAt[$"m{i:00}"] = (harness.Now, fast);
                await harness.SendAsync(a, b, PartisanChannels.Default, $"m{i:00}");
            }

            await TestNodes.WaitUntilAsync(() => Received(harness).Count == 40, () => $"40 delayed messages, got {Received(harness).Count}");
        }

        var received = Received(harness);
        Assert.Equal(sentAt.Keys.Order(), received.Select(r => r.Text));
        Assert.All(received, r => Assert.True(
            r.At - sentAt[r.Text].At >= sentAt[r.Text].Delay - TimerTolerance,
            $"{r.Text} arrived after {(r.At - sentAt[r.Text].At).TotalMilliseconds} ms, delayed by {sentAt[r.Text].Delay.TotalMilliseconds} ms"));

        static List<FaultHarness.Arrival> Received(FaultHarness harness) => harness.Arrivals.Where(r => r.Text.StartsWith('m')).ToList();
    }

    [Fact]
    public async Task A_delay_at_the_receiver_holds_messages_back_in_order_and_leaves_other_links_alone()
    {
        await using var harness = await FaultHarness.StartAsync(2);
        var (a, b) = (harness.Nodes[0], harness.Nodes[1]);
        var delay = TimeSpan.FromMilliseconds(200);
        using var rule = harness.Faults.Delay(delay, from: a.Name, to: b.Name, channel: FaultHarness.Bulk, at: FaultPoint.Receive);
        var start = harness.Now;
        for (var i = 0; i < 30; i++)
        {
            await harness.SendAsync(a, b, FaultHarness.Bulk, $"r{i:00}");
        }

        // The other direction is not delayed, and not held back by the delayed messages.
        await harness.SendAsync(b, a, FaultHarness.Bulk, "back");
        await TestNodes.WaitUntilAsync(() => harness.Arrivals.Count(r => r.Text.StartsWith('r')) == 30, () => "30 messages delayed at the receiver");

        var arrivals = harness.Arrivals;
        var delayed = arrivals.Where(r => r.Text.StartsWith('r')).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"r{i:00}"), delayed.Select(r => r.Text));
        Assert.All(delayed, r => Assert.True(r.At - start >= delay - TimerTolerance, $"{r.Text} arrived {(r.At - start).TotalMilliseconds} ms after the first send"));
        Assert.Contains(arrivals, r => r.Text == "back" && r.From == b.Name);
    }

    [Fact]
    public async Task A_partition_stops_messages_both_ways_on_its_channel_or_on_all_and_heal_restores_delivery()
    {
        using var dropped = new DroppedCounter();
        await using var harness = await FaultHarness.StartAsync(3);
        var (a, b, c) = (harness.Nodes[0], harness.Nodes[1], harness.Nodes[2]);
        var isolated = new[] { a.Name };
        var rest = new[] { b.Name, c.Name };

        bool Crosses(FaultHarness.Sent s) => isolated.Contains(s.From) != isolated.Contains(s.To);

        foreach (var channel in new[] { FaultHarness.Bulk, null })
        {
            var tag = $"part-{channel ?? "all"}";
            harness.Faults.Partition(isolated, rest, channel);
            var sent = await harness.SendOnEveryLinkAsync(tag);
            var cut = sent.Where(s => Crosses(s) && (channel is null || s.Channel == channel)).ToList();
            Assert.Equal(channel is null ? 8 : 4, cut.Count);
            await harness.WaitForAsync(sent.Except(cut), $"every message but those across the partition ({tag})");

            harness.Faults.Heal();
            Assert.Empty(harness.Faults.Rules);
            await harness.BarrierAsync($"healed-{tag}");
            Assert.Equal(sent.Except(cut).Select(s => s.Text).ToHashSet(), harness.ArrivedTagged(tag));
        }

        // After healing, messages across the former partition flow again (the barriers above crossed it).
        Assert.Equal(12, harness.ArrivedTagged("healed-part-all").Count);

        // Each phase cut 4 bulk messages, all dropped at their sender; the default channel also carries
        // the peer service's gossip, which the second phase may have cut too.
        Assert.Equal(8, dropped["injected", "send", FaultHarness.Bulk]);
        Assert.True(dropped["injected", "send", PartisanChannels.Default] >= 4, $"the 4 cut default-channel messages counted, got {dropped["injected", "send", PartisanChannels.Default]}");
        Assert.Equal(0, dropped["injected", "receive", FaultHarness.Bulk]);
    }

    [Fact]
    public async Task A_probabilistic_drop_with_a_seed_drops_a_reproducible_subset()
    {
        await using var harness = await FaultHarness.StartAsync(2);
        var (a, b) = (harness.Nodes[0], harness.Nodes[1]);

        async Task<HashSet<int>> LostAsync(int seed, string tag)
        {
            using (harness.Faults.Drop(from: a.Name, to: b.Name, channel: FaultHarness.Bulk, probability: 0.5, seed: seed))
            {
                for (var i = 0; i < 100; i++)
                {
                    await harness.SendAsync(a, b, FaultHarness.Bulk, $"{tag}:{i}");
                }
            }

            await harness.BarrierAsync($"{tag}-barrier");
            var arrived = harness.ArrivedTagged(tag);
            return Enumerable.Range(0, 100).Where(i => !arrived.Contains($"{tag}:{i}")).ToHashSet();
        }

        var first = await LostAsync(seed: 7, "first");
        var again = await LostAsync(seed: 7, "again");
        var other = await LostAsync(seed: 8, "other");

        Assert.InRange(first.Count, 25, 75);
        Assert.Equal(first.Order(), again.Order());
        Assert.NotEqual(first.Order(), other.Order());
    }

    [Fact]
    public async Task A_dropped_send_does_not_throw_and_is_counted_but_a_bad_send_still_fails()
    {
        using var dropped = new DroppedCounter();
        await using var harness = await FaultHarness.StartAsync(2);
        var (a, b) = (harness.Nodes[0], harness.Nodes[1]);

        using (harness.Faults.Drop(channel: FaultHarness.Bulk))
        {
            for (var i = 0; i < 10; i++)
            {
                await harness.SendAsync(a, b, FaultHarness.Bulk, $"lost:{i}");
            }

            // The checks of a real send still apply to a message that would be dropped.
            await Assert.ThrowsAsync<UnknownChannelException>(() => a.ForwardMessageAsync(b.Name, PartisanTarget.Named("probe"), new Note("?"), new ForwardOptions { Channel = "nope" }).AsTask());
            await Assert.ThrowsAsync<MessageSerializationException>(() => a.ForwardMessageAsync(b.Name, PartisanTarget.Named("probe"), new NotSerializableNote(), new ForwardOptions { Channel = FaultHarness.Bulk }).AsTask());
        }

        using (harness.Faults.Drop(from: a.Name, to: b.Name, channel: FaultHarness.Bulk, at: FaultPoint.Receive))
        {
            for (var i = 0; i < 5; i++)
            {
                await harness.SendAsync(a, b, FaultHarness.Bulk, $"lost-at-receiver:{i}");
            }

            await TestNodes.WaitUntilAsync(() => dropped["injected", "receive", FaultHarness.Bulk] == 5, () => $"5 drops at the receiver, counted {dropped["injected", "receive", FaultHarness.Bulk]}");
        }

        await harness.BarrierAsync("after");
        Assert.Equal(10, dropped["injected", "send", FaultHarness.Bulk]);
        Assert.Empty(harness.ArrivedTagged("lost"));
        Assert.Empty(harness.ArrivedTagged("lost-at-receiver"));
    }

    [Fact]
    public void Rules_are_checked_described_and_removed_by_their_handle()
    {
        var faults = new PartisanFaults();
        var (x, y) = (new NodeName("x"), new NodeName("y"));
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.Drop(probability: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.Delay(TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => faults.Partition([x], []));
        Assert.Throws<ArgumentException>(() => faults.Partition([x, y], [y]));

        var drop = faults.Drop(from: x, channel: "bulk", probability: 0.25, seed: 3);
        using var delay = faults.Delay(TimeSpan.FromSeconds(1), to: y, at: FaultPoint.Receive);
        using var partition = faults.Partition([x], [y]);
        Assert.Equal(
            [
                "drop x -> any on channel 'bulk', at send with probability 0.25 (seed 3)",
                "delay any -> y on any channel, at receive by 00:00:01",
                "partition [x] | [y] on any channel",
            ],
            faults.Rules);

        drop.Dispose();
        drop.Dispose();
        Assert.Equal(2, faults.Rules.Count);
        faults.Heal();
        Assert.Empty(faults.Rules);
    }

    [Fact]
    public void Matching_rules_combine_drop_first_then_the_sum_of_the_delays()
    {
        var faults = new PartisanFaults();
        IPartisanInterposer interposer = faults;
        var (x, y, z) = (new NodeName("x"), new NodeName("y"), new NodeName("z"));
        var xy = new InterposedMessage(x, y, PartisanChannels.Default, "m");
        var xz = new InterposedMessage(x, z, "bulk", "m");
        Assert.Equal(InterposerDecision.Deliver, interposer.OnSend(xy));

        using var d1 = faults.Delay(TimeSpan.FromMilliseconds(10), from: x);
        using var d2 = faults.Delay(TimeSpan.FromMilliseconds(5), channel: "bulk");
        Assert.Equal(InterposerDecision.Delayed(TimeSpan.FromMilliseconds(10)), interposer.OnSend(xy));
        Assert.Equal(InterposerDecision.Delayed(TimeSpan.FromMilliseconds(15)), interposer.OnSend(xz));
        Assert.Equal(InterposerDecision.Deliver, interposer.OnReceive(xy));

        using (faults.Partition([y], [x, z], PartisanChannels.Default))
        {
            Assert.Equal(InterposerDecision.Drop, interposer.OnSend(xy));
            Assert.Equal(InterposerDecision.Drop, interposer.OnReceive(xy));
            Assert.Equal(InterposerDecision.Drop, interposer.OnSend(new InterposedMessage(y, x, PartisanChannels.Default, "m")));
            Assert.Equal(InterposerAction.Delay, interposer.OnSend(xz).Action);
        }
    }
}
