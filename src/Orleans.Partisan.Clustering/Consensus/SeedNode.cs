using System.Net;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Clustering.Table;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// One seed: a member of the Raft group that holds the membership table (DotNext's <see cref="RaftCluster"/> over
/// its TCP transport, with a persistent <see cref="WriteAheadLog"/>), and the table service that executes requests
/// when this seed leads. Started once, stopped once.
/// </summary>
internal sealed class SeedNode : IAsyncDisposable
{
    private readonly PartisanClusteringOptions options;
    private readonly IReadOnlyList<IPEndPoint> seeds;
    private readonly Serializer serializer;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private Task? started;
    private bool disposed;
    private RaftCluster? cluster;
    private WriteAheadLog? log;
    private MembershipStateMachine? stateMachine;
    private FileStream? directoryLock;
    private TableServiceListener? listener;

    /// <summary>Creates a seed that will listen on <paramref name="consensusEndPoint"/> and keep its state in <paramref name="dataDirectory"/>.</summary>
    public SeedNode(IPEndPoint consensusEndPoint, IReadOnlyList<IPEndPoint> seeds, string dataDirectory, PartisanClusteringOptions options, Serializer serializer, ILoggerFactory loggerFactory)
    {
        ConsensusEndPoint = consensusEndPoint;
        ServiceEndPoint = new IPEndPoint(consensusEndPoint.Address, consensusEndPoint.Port + options.ServicePortOffset);
        DataDirectory = dataDirectory;
        this.seeds = seeds;
        this.options = options;
        this.serializer = serializer;
        this.loggerFactory = loggerFactory;
        logger = loggerFactory.CreateLogger<SeedNode>();
    }

    /// <summary>Where Raft traffic arrives.</summary>
    public IPEndPoint ConsensusEndPoint { get; }

    /// <summary>Where table requests arrive.</summary>
    public IPEndPoint ServiceEndPoint { get; }

    /// <summary>Where the log, term, vote and snapshots live.</summary>
    public string DataDirectory { get; }

    /// <summary>Whether this seed currently leads the group.</summary>
    public bool IsLeader => cluster is { } c && !c.LeadershipToken.IsCancellationRequested;

    /// <summary>The current leader's consensus endpoint, as this seed sees it.</summary>
    public EndPoint? Leader => cluster?.Leader?.EndPoint;

    /// <summary>Starts the Raft member and the table service; repeated calls share the first start.</summary>
    public Task StartAsync(CancellationToken token)
    {
        lock (gate)
        {
            return started ??= StartCoreAsync(token);
        }
    }

    private async Task StartCoreAsync(CancellationToken token)
    {
        Directory.CreateDirectory(DataDirectory);
        try
        {
            directoryLock = new FileStream(Path.Combine(DataDirectory, "seed.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"DataDirectory '{DataDirectory}' of seed {ConsensusEndPoint} is in use by another seed; give every seed its own directory.", e);
        }

        stateMachine = new MembershipStateMachine(new DirectoryInfo(Path.Combine(DataDirectory, "snapshots")), serializer, options.SnapshotInterval);
        await stateMachine.RestoreAsync(token).ConfigureAwait(false);
        log = new WriteAheadLog(
            new WriteAheadLog.Options
            {
                Location = Path.Combine(DataDirectory, "wal"),
                HashAlgorithm = WriteAheadLog.IntegrityHashAlgorithm.Crc32, // a damaged log entry is detected, not applied
            },
            stateMachine);

        var configuration = new RaftCluster.TcpConfiguration(ConsensusEndPoint)
        {
            LowerElectionTimeout = (int)options.LowerElectionTimeout.TotalMilliseconds,
            UpperElectionTimeout = (int)options.UpperElectionTimeout.TotalMilliseconds,
            RequestTimeout = options.LowerElectionTimeout,
            ColdStart = false,
            ConfigurationStorage = null,
            LoggerFactory = loggerFactory,
        };
        var storage = configuration.ConfigurationStorage as InMemoryClusterConfigurationStorage<EndPoint>
            ?? throw new InvalidOperationException("DotNext's default Raft configuration storage is not in memory.");
        var members = storage.CreateInitialConfigurationBuilder();
        foreach (var seed in seeds)
        {
            members.Add(seed);
        }

        members.Build();
        cluster = new RaftCluster(configuration) { AuditTrail = log };
        cluster.LeaderChanged += OnLeaderChanged;
        await cluster.StartAsync(token).ConfigureAwait(false);

        listener = new TableServiceListener(ServiceEndPoint, this, serializer, logger);
        listener.Start();
        ConsensusLog.SeedStarted(logger, ConsensusEndPoint, seeds.Count, ServiceEndPoint, DataDirectory);
    }

    private void OnLeaderChanged(ICluster sender, IClusterMember? leader) => ConsensusLog.LeaderChanged(logger, leader?.EndPoint, ConsensusEndPoint);

    /// <summary>Executes <paramref name="request"/> if this seed leads; otherwise says who does.</summary>
    public async Task<TableResponse> HandleAsync(TableRequest request, CancellationToken token)
    {
        if (cluster is not { } raft || stateMachine is not { } state)
        {
            return Unavailable("the seed is not started");
        }

        if (!IsLeader)
        {
            return NotLeader();
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
        bound.CancelAfter(options.RequestTimeout);
        try
        {
            switch (request.Kind)
            {
                case TableRequestKind.Command when request.Command is { } command:
                    var payload = serializer.SerializeToArray(command);
                    await raft.ReplicateAsync(payload.AsMemory(), null, bound.Token).ConfigureAwait(false);
                    return state.ResultOf(command.CommandId) is { } result
                        ? new TableResponse { Status = TableResponseStatus.Ok, Result = result }
                        : Unavailable("the command's result is no longer remembered");
                case TableRequestKind.ReadAll:
                    await raft.ApplyReadBarrierAsync(ReadBarrierType.Strong, bound.Token).ConfigureAwait(false);
                    return IsLeader ? new TableResponse { Status = TableResponseStatus.Ok, Data = state.ReadAll(request.ClusterId) } : NotLeader();
                case TableRequestKind.ReadRow when request.Silo is { } silo:
                    await raft.ApplyReadBarrierAsync(ReadBarrierType.Strong, bound.Token).ConfigureAwait(false);
                    return IsLeader ? new TableResponse { Status = TableResponseStatus.Ok, Data = state.ReadRow(request.ClusterId, silo) } : NotLeader();
                default:
                    return new TableResponse { Status = TableResponseStatus.Rejected, Reason = $"malformed request {request}" };
            }
        }
        catch (NotLeaderException)
        {
            return NotLeader();
        }
        catch (QuorumUnreachableException)
        {
            return Unavailable("no quorum of seeds is reachable");
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return Unavailable($"not committed within {options.RequestTimeout}");
        }
    }

    private TableResponse NotLeader()
    {
        var hint = Leader is IPEndPoint leader && !leader.Equals(ConsensusEndPoint)
            ? new IPEndPoint(leader.Address, leader.Port + options.ServicePortOffset).ToString()
            : null;
        return new TableResponse { Status = TableResponseStatus.NotLeader, LeaderHint = hint, Reason = "not the leader" };
    }

    private static TableResponse Unavailable(string reason) => new() { Status = TableResponseStatus.Unavailable, Reason = reason };

    /// <summary>Stops the table service and the Raft member and releases the log; the data directory stays.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? start;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            start = started;
            started = Task.FromException(new ObjectDisposedException(nameof(SeedNode)));
        }

        if (start is null)
        {
            return;
        }

        await start.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        if (cluster is not null)
        {
            cluster.LeaderChanged -= OnLeaderChanged;
            await cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await cluster.DisposeAsync().ConfigureAwait(false);
        }

        if (log is not null)
        {
            await log.DisposeAsync().ConfigureAwait(false);
        }

        if (stateMachine is not null)
        {
            await stateMachine.DisposeAsync().ConfigureAwait(false);
        }

        if (directoryLock is not null)
        {
            await directoryLock.DisposeAsync().ConfigureAwait(false);
        }

        ConsensusLog.SeedStopped(logger, ConsensusEndPoint);
    }
}
