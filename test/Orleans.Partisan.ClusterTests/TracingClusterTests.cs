using System.Collections;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ReplicatedKeyValue;

namespace Orleans.Partisan.ClusterTests;

/// <summary>The overlay's spans, exported by OpenTelemetry's in-memory exporter from real silos.</summary>
public sealed class TracingClusterTests
{
    private static readonly ActivitySource TestSource = new(nameof(TracingClusterTests));

    [Fact]
    public async Task A_call_between_two_silos_is_a_client_span_and_a_server_span_in_one_trace()
    {
        var spans = new ExportedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(PartisanTelemetry.ActivitySourceName).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();
        await using var cluster = await PartisanCluster.StartAsync(2);
        await cluster.WaitForConvergedAsync();
        var (caller, callee) = (cluster.Nodes[0], cluster.Nodes[1]);
        using var echo = callee.RegisterReceiver("traced-echo", m => _ = m.ReplyAsync(new Ping("re: " + ((Ping)m.Message).Text)));

        var reply = await caller.CallAsync<Ping>(callee.Name, PartisanTarget.Named("traced-echo"), new Ping("hi")).WaitAsync(PartisanCluster.Timeout);
        Assert.Equal("re: hi", reply.Text);

        Activity? client = null;
        Activity? server = null;
        await Eventually.Until(
            () =>
            {
                var ours = spans.Snapshot().Where(s => Equals(s.GetTagItem("partisan.target"), "name:traced-echo")).ToList();
                client = ours.SingleOrDefault(s => s.OperationName == PartisanTelemetry.CallSpan);
                server = ours.SingleOrDefault(s => s.OperationName == PartisanTelemetry.CallHandleSpan);
                return client is not null && server is not null;
            },
            PartisanCluster.Timeout,
            () => "a client and a server span of the call; exported: " + string.Join(", ", spans.Snapshot().Select(s => s.OperationName)));

        Assert.Equal((ActivityKind.Client, ActivityKind.Server), (client!.Kind, server!.Kind));
        Assert.Equal(client.TraceId, server.TraceId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal((callee.Name.Value, caller.Name.Value), (client.GetTagItem("partisan.node"), server.GetTagItem("partisan.node")));
        Assert.Equal((ActivityStatusCode.Unset, ActivityStatusCode.Unset), (client.Status, server.Status));
    }

    [Fact]
    public async Task A_broadcast_is_delivered_on_every_other_silo_in_spans_parented_on_the_broadcasters_span()
    {
        var spans = new ExportedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(PartisanTelemetry.ActivitySourceName, TestSource.Name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();
        await using var cluster = await PartisanCluster.StartAsync(3, configureSilo: silo => silo.AddPartisanBroadcastHandler<IReplicatedKeyValue>());
        await cluster.WaitForConvergedAsync();

        // The listener hears every test running in this process: this test's spans are those in the trace of its own root.
        ActivityTraceId ours;
        using (var root = TestSource.StartActivity("broadcast-test", ActivityKind.Internal))
        {
            ours = root!.TraceId;
            Assert.True(await cluster.Nodes[0].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("traced", "yes")).WaitAsync(PartisanCluster.Timeout));
        }

        Activity? broadcast = null;
        List<Activity> deliveries = [];
        await Eventually.Until(
            () =>
            {
                var exported = spans.Snapshot();
                broadcast = exported.SingleOrDefault(s => s.OperationName == PartisanTelemetry.BroadcastSpan && s.TraceId == ours);
                deliveries = [.. exported.Where(s => s.OperationName == PartisanTelemetry.BroadcastDeliverSpan && broadcast is not null && s.TraceId == broadcast.TraceId)];
                return deliveries.Count(d => Equals(d.GetTagItem("partisan.broadcast.new"), true)) == 2;
            },
            PartisanCluster.Timeout,
            () => $"the broadcaster's span and a new delivery on each of the 2 other silos in its trace; exported: {string.Join(", ", spans.Snapshot().Select(s => s.OperationName))}");

        Assert.Equal(ActivityKind.Producer, broadcast!.Kind);
        Assert.All(deliveries, d => Assert.Equal((ActivityKind.Consumer, broadcast.SpanId), (d.Kind, d.ParentSpanId)));
    }

    /// <summary>The exporter's collection: it adds from the threads that end spans, the test reads a copy.</summary>
    private sealed class ExportedSpans : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];

        public int Count
        {
            get
            {
                lock (_spans)
                {
                    return _spans.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<Activity> Snapshot()
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }

        public void Add(Activity item)
        {
            lock (_spans)
            {
                _spans.Add(item);
            }
        }

        public void Clear()
        {
            lock (_spans)
            {
                _spans.Clear();
            }
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (_spans)
            {
                return _spans.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
