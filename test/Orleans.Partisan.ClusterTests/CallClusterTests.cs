using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.ClusterTests;

/// <summary>Request-reply (<see cref="IPartisan.CallAsync{TResponse}"/>) between silos: grains answer by return value, and a dead callee fails its calls.</summary>
public sealed class CallClusterTests
{
    [Fact]
    public async Task A_grain_answers_a_call_by_its_return_value_and_its_failures_come_back_as_exceptions()
    {
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var caller = cluster.Node(cluster.Silos[0]);
        var callee = cluster.Node(cluster.Silos[1]).Name;
        var handler = PartisanTarget.Grain(cluster.Client.GetGrain<IEchoHandlerGrain>("echo").GetGrainId());

        var reply = await caller.CallAsync<Ping>(callee, handler, new Ping("hello")).WaitAsync(PartisanCluster.Timeout);
        Assert.Equal("re: hello from echo", reply.Text);
        Assert.Equal(caller.Name, Assert.IsType<PartisanRef>(reply.Extra).Node);

        var thrown = await Assert.ThrowsAsync<CallHandlerException>(() => caller.CallAsync<Ping>(callee, handler, new Ping("throw"), timeout: TimeSpan.FromSeconds(60)).WaitAsync(PartisanCluster.Timeout));
        Assert.Equal((typeof(ArgumentException).FullName, "bad ping, on purpose"), (thrown.RemoteType, thrown.RemoteMessage));

        var refused = await caller.CallAsync<Ping>(callee, handler, new Ping("reply yourself")).WaitAsync(PartisanCluster.Timeout);
        Assert.Equal(nameof(InvalidOperationException), refused.Text);

        // A grain that only receives forwarded messages cannot answer calls: the callee says so at once.
        var receiverOnly = PartisanTarget.Grain(cluster.Client.GetGrain<IRecorderGrain>("r"));
        var notHandler = await Assert.ThrowsAsync<CallTargetNotFoundException>(() => caller.CallAsync<Ping>(callee, receiverOnly, new Ping("?"), timeout: TimeSpan.FromSeconds(60)).WaitAsync(PartisanCluster.Timeout));
        Assert.Contains(nameof(IPartisanRequestHandler), notHandler.Detail);
        Assert.Empty(await cluster.Client.GetGrain<IRecorderGrain>("r").GetReceived());
    }

    [Fact]
    public async Task A_call_to_a_silo_killed_mid_call_fails_with_nodedown_not_at_its_timeout()
    {
        await using var cluster = await PartisanCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();
        var victim = cluster.Silos[2];
        var call = await CallSilentReceiverAsync(cluster, victim);

        await cluster.Cluster.KillSiloAsync(victim);

        // The test's own wait is shorter than the call's timeout: only nodedown can end the call in time.
        var down = await Assert.ThrowsAsync<CallNodeDownException>(() => call.WaitAsync(PartisanCluster.Timeout));
        Assert.Equal(victim.SiloAddress.GetNodeName(), down.Node);
    }

    [Fact]
    public async Task A_call_to_a_silo_whose_overlay_crashed_mid_call_fails_with_nodedown_for_the_lost_connection()
    {
        await using var cluster = await PartisanCluster.StartAsync(3);
        await cluster.WaitForConvergedAsync();
        var victim = cluster.Silos[2];
        var call = await CallSilentReceiverAsync(cluster, victim);

        // The victim's overlay stops without a leave, as in a crash (see FailureDetectionClusterTests): its
        // peers see only their connections close.
        await cluster.Cluster.GetSiloServiceProvider(victim.SiloAddress).GetRequiredService<PartisanNode>().DisposeAsync();

        var down = await Assert.ThrowsAsync<CallNodeDownException>(() => call.WaitAsync(PartisanCluster.Timeout));
        Assert.Equal((victim.SiloAddress.GetNodeName(), NodeDownReason.ConnectionClosed), (down.Node, down.Reason));
    }

    /// <summary>Calls a receiver on <paramref name="victim"/> that never answers, with a 60 s timeout, from the first silo; returns once the receiver has the request.</summary>
    private static async Task<Task<Ping>> CallSilentReceiverAsync(PartisanCluster cluster, Orleans.TestingHost.InProcessSiloHandle victim)
    {
        var received = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var kept = new ConcurrentBag<ReceivedMessage>();
        _ = cluster.Node(victim).RegisterReceiver("silent", m => // registered as long as the victim lives
        {
            kept.Add(m); // never answered
            received.TrySetResult(m);
        });

        var call = cluster.Node(cluster.Silos[0]).CallAsync<Ping>(victim.SiloAddress.GetNodeName(), PartisanTarget.Named("silent"), new Ping("are you there?"), timeout: TimeSpan.FromSeconds(60));
        Assert.True((await received.Task.WaitAsync(PartisanCluster.Timeout)).IsCall);
        Assert.False(call.IsCompleted);
        return call;
    }
}
