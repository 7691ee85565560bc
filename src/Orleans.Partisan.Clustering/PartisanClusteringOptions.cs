namespace Orleans.Partisan.Clustering;

/// <summary>
/// Options of storage-free clustering: the seed silos form a Raft group that holds Orleans' membership table,
/// every other silo and every client reaches the table through the seeds.
/// </summary>
/// <remarks>
/// All seeds must start with the same <see cref="Seeds"/> list: it is the initial configuration of the Raft group.
/// A silo is a seed when its own <see cref="ConsensusEndpoint"/> is in that list. See docs/clustering.md.
/// </remarks>
public sealed class PartisanClusteringOptions
{
    /// <summary>Default of <see cref="ServicePortOffset"/>: 1.</summary>
    public const int DefaultServicePortOffset = 1;

    /// <summary>
    /// The consensus endpoints (<c>host:port</c>, or <c>[ipv6]:port</c>) of the seed silos. Required, at least one,
    /// no duplicates. Three or five seeds tolerate the loss of one or two. Host names are resolved once at start-up.
    /// Assign any list or array (<c>o.Seeds = ["10.0.0.1:11200", "10.0.0.2:11200"]</c>,
    /// <c>o.Seeds = text.Split(',')</c>), or bind it from configuration (<c>Seeds:0</c>, <c>Seeds:1</c>…, or a JSON array).
    /// Default: empty (start-up fails naming this option).
    /// </summary>
    public IReadOnlyList<string> Seeds { get; set; } = [];

    /// <summary>
    /// This silo's own consensus endpoint (<c>host:port</c>); the silo is a seed when this endpoint is in
    /// <see cref="Seeds"/>, and then listens on it for Raft traffic and on the port plus <see cref="ServicePortOffset"/>
    /// for table requests. Default: <see langword="null"/>, the silo is not a seed. Ignored by clients.
    /// </summary>
    public string? ConsensusEndpoint { get; set; }

    /// <summary>
    /// Where a seed keeps its Raft log, term, vote and table snapshots; Raft's safety across restarts needs them, so a
    /// restarted seed must find its old directory. Default: <see langword="null"/>, meaning
    /// <c>{LocalApplicationData}/Orleans.Partisan.Clustering/{host}_{port}</c> (falls back to the temporary directory
    /// when the platform has no local application data folder). Tests use a fresh temporary directory per seed.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// A seed serves table requests (from other silos, clients and itself) on its consensus port plus this offset,
    /// on the same host. Between 1 and 1000. Default: <see cref="DefaultServicePortOffset"/>.
    /// </summary>
    public int ServicePortOffset { get; set; } = DefaultServicePortOffset;

    /// <summary>
    /// Bound on one table operation, including finding the leader among the seeds and retrying while an election
    /// runs; when it elapses the operation fails with <see cref="PartisanClusteringUnavailableException"/> naming the
    /// seeds tried. Must exceed <see cref="UpperElectionTimeout"/>. Default: 10 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bound on one table operation of a silo that is stopping, in place of <see cref="RequestTimeout"/>. When an
    /// operation of a stopping silo finds no seed leading a majority within it (the seeds stopped first, or most of
    /// them are gone), the silo gives the table up: its remaining operations fail at once and Orleans stops retrying
    /// its final status writes, so the silo stops in seconds instead of after Orleans' own timeouts (about a minute
    /// per write), and its shutdown is not recorded in the table (its row keeps its last status, as after a crash).
    /// Greater than <see cref="UpperElectionTimeout"/>, so that an election does not count as unreachable; at most
    /// <see cref="RequestTimeout"/>. Default: 3 seconds.
    /// </summary>
    public TimeSpan ShutdownRequestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a silo's start (Orleans' InitializeMembershipTable) keeps waiting for a majority of seeds, so that
    /// seeds started a little apart all come up; when it elapses the start fails with
    /// <see cref="PartisanClusteringUnavailableException"/>. At least <see cref="RequestTimeout"/>. Default: 2 minutes.
    /// </summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Lower bound of the Raft election timeout (a follower that hears no leader for a random time between the lower
    /// and upper bound starts an election). At least 50 ms. Default: 300 ms.
    /// </summary>
    public TimeSpan LowerElectionTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Upper bound of the Raft election timeout; greater than <see cref="LowerElectionTimeout"/>. Default: 600 ms.</summary>
    public TimeSpan UpperElectionTimeout { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>
    /// A seed writes a snapshot of the table after this many applied log entries, which lets the Raft log be
    /// truncated and a lagging seed catch up from the snapshot. Between 10 and 1,000,000. Default: 1000.
    /// </summary>
    public int SnapshotInterval { get; set; } = 1000;
}
