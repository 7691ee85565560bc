using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Partisan.Transport;

namespace Orleans.Partisan.Tests.Transport;

/// <summary>
/// The connection heartbeat between transports: the acceptor sends heartbeats at the interval the dialler asked for,
/// and the dialler closes a connection on which nothing arrives for the heartbeat timeout (a frozen peer, whose
/// socket stays open), counting only time its own process ran.
/// </summary>
public sealed class TransportHeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Heartbeats every 100 ms, checked every 50 ms, a timeout of 1 s.</summary>
    private static TransportSettings Heartbeats(TransportSettings settings)
        => settings with { HeartbeatInterval = Interval, HeartbeatTimeout = HeartbeatTimeout };

    private static int ChecksToTimeout => (int)(HeartbeatTimeout / (Interval / 2));

    [Fact]
    public async Task A_connection_to_a_peer_that_sends_nothing_closes_once_the_timeout_has_passed_and_not_before()
    {
        var time = new FakeTimeProvider();
        await using var a = await TestNode.StartAsync("a", configure: Heartbeats, time: time);
        await using var frozen = new StalledPeer("p", "main", TestSupport.Channels(), heartbeats: false);
        using var closed = new CounterProbe(PartisanMetrics.ConnectionsClosed, "reason", "heartbeat_timeout");
        a.Transport.Connect(frozen.Spec);
        await TestSupport.WaitUntilAsync(() => a.Events.Count("up:p") == 1, "the frozen peer up");

        // The dialler is up once it has read the acceptor's hello and written its own; the peer reads that one later.
        await TestSupport.WaitUntilAsync(() => frozen.Handshakes == 1, "the frozen peer to read the dialler's hello");
        Assert.Equal(Interval, Assert.Single(frozen.Hellos).HeartbeatInterval);

        // Every check runs on the test's thread as the virtual clock passes it: one period short of the timeout, still open.
        for (var check = 1; check < ChecksToTimeout; check++)
        {
            time.Advance(Interval / 2);
        }

        Assert.True(a.Transport.IsConnected(frozen.Spec.Name), $"closed before the timeout: {string.Join(", ", a.Events.PeerEvents)}");
        Assert.Equal(0, a.Events.Count("down:"));

        time.Advance(Interval / 2);
        await TestSupport.WaitUntilAsync(() => a.Events.Count("down:p:HeartbeatTimeout") == 1, "the peer down for a heartbeat timeout");
        Assert.Equal(1, closed.Total);
        Assert.Equal(1, a.Logger.Count(LogLevel.Warning, "nothing received, not even a heartbeat"));
        a.Transport.Disconnect(frozen.Spec.Name);
    }

    [Fact]
    public async Task A_pause_of_this_process_longer_than_the_timeout_is_not_held_against_the_peer()
    {
        var time = new FakeTimeProvider();
        await using var a = await TestNode.StartAsync("a", configure: Heartbeats, time: time);
        await using var frozen = new StalledPeer("p", "main", TestSupport.Channels(), heartbeats: false);
        a.Transport.Connect(frozen.Spec);
        await TestSupport.WaitUntilAsync(() => a.Events.Count("up:p") == 1, "the peer up");

        // Thirty seconds pass at once, as if this process had been stopped: the one late check counts two periods.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(a.Transport.IsConnected(frozen.Spec.Name), $"closed after a pause of this process: {string.Join(", ", a.Events.PeerEvents)}");

        // A peer that stays silent is still found once a timeout of running time has passed.
        for (var check = 0; check < ChecksToTimeout; check++)
        {
            time.Advance(Interval / 2);
        }

        await TestSupport.WaitUntilAsync(() => a.Events.Count("down:p:HeartbeatTimeout") == 1, "the silent peer down a timeout of running time after the pause");
        a.Transport.Disconnect(frozen.Spec.Name);
    }

    [Fact]
    public async Task With_heartbeats_off_the_dialler_asks_for_none_and_never_closes_a_silent_connection()
    {
        var time = new FakeTimeProvider();
        await using var a = await TestNode.StartAsync("a", configure: s => s with { HeartbeatTimeout = Timeout.InfiniteTimeSpan }, time: time);
        await using var frozen = new StalledPeer("p", "main", TestSupport.Channels(), heartbeats: false);
        a.Transport.Connect(frozen.Spec);
        await TestSupport.WaitUntilAsync(() => a.Events.Count("up:p") == 1, "the peer up");
        await TestSupport.WaitUntilAsync(() => frozen.Handshakes == 1, "the frozen peer to read the dialler's hello");
        Assert.Equal(TimeSpan.Zero, Assert.Single(frozen.Hellos).HeartbeatInterval);

        for (var step = 0; step < 100; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(a.Transport.IsConnected(frozen.Spec.Name));
        Assert.Equal(0, a.Events.Count("down:"));
        a.Transport.Disconnect(frozen.Spec.Name);
    }

    [Fact]
    public async Task Connections_between_live_transports_stay_open_over_many_timeouts_in_both_directions()
    {
        // A timeout that outlasts a stall of a loaded machine (this runs beside the simulations): with 1 s, a stalled
        // process could read its peer's heartbeats only after its own check had given up on them.
        var timeout = TimeSpan.FromSeconds(2);
        TransportSettings SlowerHeartbeats(TransportSettings settings) => settings with { HeartbeatInterval = timeout / 10, HeartbeatTimeout = timeout };
        await using var a = await TestNode.StartAsync("a", configure: SlowerHeartbeats, channels: TestSupport.Channels(("bulk", 2, false)));
        await using var b = await TestNode.StartAsync("b", configure: SlowerHeartbeats, channels: TestSupport.Channels(("bulk", 2, false)));
        a.Transport.Connect(b.Spec);
        b.Transport.Connect(a.Spec);
        await a.WaitFullyConnectedAsync(b);
        await b.WaitFullyConnectedAsync(a);

        // Three timeouts of real time with idle connections: only heartbeats keep them open.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout * 3)
        {
            Assert.True(a.Events.Count("down:") == 0 && b.Events.Count("down:") == 0, $"a connection closed after {watch.Elapsed}: a [{string.Join(", ", a.Events.PeerEvents)}], b [{string.Join(", ", b.Events.PeerEvents)}]");
            await Task.Delay(Interval);
        }

        Assert.True(a.Transport.IsFullyConnected(b.Name) && b.Transport.IsFullyConnected(a.Name));
    }

    [Fact]
    public async Task The_acceptor_sends_heartbeat_frames_at_the_interval_the_dialler_asked_for()
    {
        await using var a = await TestNode.StartAsync("a");
        await using var raw = await RawDialler.HandshakeAsync(a, heartbeatInterval: TimeSpan.FromMilliseconds(50));
        await TestSupport.WaitUntilAsync(() => a.Inbound(new NodeName("raw")).Any(), "the raw dialler's connection accepted");

        var watch = Stopwatch.StartNew();
        var frame = new byte[HeartbeatFrame.Bytes.Length];
        for (var i = 0; i < 5; i++)
        {
            await raw.Stream.ReadExactlyAsync(frame).AsTask().WithTimeout($"heartbeat {i + 1}");
            Assert.Equal(HeartbeatFrame.Bytes.ToArray(), frame);
        }

        // Five at 50 ms take about 250 ms, not the node's own interval (1 s by default).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"five heartbeats took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(1)]        // more often than every 10 ms: the acceptor would spend its time on heartbeats
    [InlineData(-1000)]    // negative
    [InlineData(90000000)] // 25 hours: longer than a day
    public async Task A_dialler_asking_for_a_heartbeat_interval_out_of_bounds_is_refused(long milliseconds)
    {
        await using var a = await TestNode.StartAsync("a");
        await using var raw = await RawDialler.HandshakeAsync(a, heartbeatInterval: TimeSpan.FromMilliseconds(milliseconds));
        await raw.WaitForCloseAsync($"the acceptor to refuse a heartbeat interval of {milliseconds} ms");
        await TestSupport.WaitUntilAsync(() => a.Logger.Count(LogLevel.Warning, $"heartbeat interval {TimeSpan.FromMilliseconds(milliseconds)} is neither zero") == 1, "the refusal logged");
        Assert.Empty(a.Inbound(new NodeName("raw")));
    }

    [Fact]
    public async Task The_heartbeat_check_sends_a_frame_whose_sender_blocked_while_holding_back_the_writers_wake_up()
    {
        var time = new FakeTimeProvider();
        await using var a = await TestNode.StartAsync("a", configure: Heartbeats, time: time);
        await using var b = await TestNode.StartAsync("b");
        a.Transport.Connect(b.Spec);
        await a.WaitFullyConnectedAsync(b);
        await a.Transport.SendAsync(b.Name, PartisanChannels.Default, new Numbered(0, 0), null, null, default);
        await b.Events.WaitForMessagesAsync(1, "the first message, after which the writer parks");

        // A thread that holds back the writer's wake-up (as a sender resumed by an acknowledgement does) queues a frame
        // and then blocks instead of giving the thread back.
        using var sent = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocked = new Thread(() =>
        {
            Assert.True(WriterWakeDeferral.Begin());
            try
            {
                _ = a.Transport.SendAsync(b.Name, PartisanChannels.Default, new Numbered(0, 1), null, null, default);
                sent.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
            finally
            {
                WriterWakeDeferral.End();
            }
        });
        blocked.Start();
        await TestSupport.WaitUntilAsync(() => sent.IsSet, "the blocked thread's frame queued");

        time.Advance(Interval / 2);
        await b.Events.WaitForMessagesAsync(2, "the held-back frame, sent by the heartbeat check while its sender is still blocked");
        Assert.False(release.IsSet);
        release.Set();
        await TestSupport.WaitUntilAsync(() => !blocked.IsAlive, "the blocked thread to end");
    }
}
