using System.Diagnostics;

namespace Orleans.Partisan;

/// <summary>
/// The names under which Orleans.Partisan reports telemetry, for an OpenTelemetry (or any other) listener: the
/// overlay's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>, the
/// storage-free clustering's meter, the spans and the instruments of the clustering package. The overlay meter's
/// instruments are named in <see cref="PartisanMetrics"/>.
/// </summary>
/// <remarks>
/// The library depends on <c>System.Diagnostics</c> only. A span is started only when a listener samples it, and
/// the trace context travels in a frame only when the span that sends it is recorded; without a listener, a call
/// and a broadcast cost one check each.
/// </remarks>
public static class PartisanTelemetry
{
    /// <summary>The name of the overlay's meter (<see cref="PartisanMetrics"/> names its instruments).</summary>
    public const string MeterName = "Orleans.Partisan";

    /// <summary>The name of the overlay's activity source, which starts the spans named below.</summary>
    public const string ActivitySourceName = "Orleans.Partisan";

    /// <summary>The name of the storage-free clustering package's meter (Orleans.Partisan.Clustering).</summary>
    public const string ClusteringMeterName = "Orleans.Partisan.Clustering";

    /// <summary>
    /// The caller's span of <see cref="IPartisan.CallAsync{TResponse}"/> (kind client), from the send of the request to
    /// the reply or the failure. Its context travels in the request's frame.
    /// </summary>
    public const string CallSpan = "partisan.call";

    /// <summary>
    /// The callee's span of a call (kind server), child of the caller's <see cref="CallSpan"/>: the request handed to
    /// its target (a named receiver while it runs, a mailbox while the request is posted, a grain until its answer is
    /// sent).
    /// </summary>
    public const string CallHandleSpan = "partisan.call.handle";

    /// <summary>The broadcaster's span of a broadcast (kind producer), around its own handler's merge and the first sends.</summary>
    public const string BroadcastSpan = "partisan.broadcast";

    /// <summary>
    /// A node's span of delivering a broadcast message to its handler (kind consumer): the handler's merge. Its parent is
    /// the broadcaster's <see cref="BroadcastSpan"/>, whose context travels in the Plumtree gossip message.
    /// </summary>
    public const string BroadcastDeliverSpan = "partisan.broadcast.deliver";

    /// <summary>
    /// Observable gauge, 1 while this seed leads the Raft group that keeps the membership table, 0 otherwise. Tag
    /// <c>seed</c> (the seed's consensus endpoint).
    /// </summary>
    public const string ClusteringLeader = "partisan.clustering.leader";

    /// <summary>Observable gauge, this seed's current Raft term. Tag <c>seed</c>.</summary>
    public const string ClusteringTerm = "partisan.clustering.term";

    /// <summary>
    /// Histogram, in seconds: how long a table command took to be replicated to a majority and applied on the leading
    /// seed. Tag <c>operation</c>.
    /// </summary>
    public const string ClusteringCommitDuration = "partisan.clustering.commit.duration";

    /// <summary>
    /// Counter: membership table requests a silo or client made, counted once each whatever the number of seeds tried.
    /// Tags <c>operation</c> (<c>read-all</c>, <c>read-row</c>, <c>initialize</c>, <c>insert-row</c>,
    /// <c>update-row</c>, <c>update-i-am-alive</c>, <c>delete</c>, <c>cleanup-defunct</c>) and <c>outcome</c>
    /// (<c>ok</c>, <c>rejected</c>, <c>unavailable</c>, <c>cancelled</c>).
    /// </summary>
    public const string ClusteringTableRequests = "partisan.clustering.table.requests";

    /// <summary>The overlay's activity source.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName);
}
