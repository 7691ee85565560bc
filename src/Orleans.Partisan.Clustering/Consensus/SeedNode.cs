using System.Diagnostics;
using System.Net;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// One seed: a member of the Raft group that holds the membership table (DotNext's <see cref="RaftCluster"/> over
/// its TCP transport, with a persistent <see cref="WriteAheadLog"/>), and the table service that executes requests
/// when this seed leads; both under TLS when it is on. Started once, stopped once.
/// </summary>
internal sealed class SeedNode : IAsyncDisposable, ISeedGaugeSource
{
    private readonly PartisanClusteringOptions _options;
    private readonly IReadOnlyList<IPEndPoint> _seeds;
    private readonly Serializer _serializer;
    private readonly PartisanTlsOptions? _tls;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task? _started;
    private bool _disposed;
    private RaftCluster? _cluster;
    private WriteAheadLog? _log;
    private MembershipStateMachine? _stateMachine;
    private FileStream? _directoryLock;
    private TableServiceListener? _listener;
    private IDisposable? _gauges;

    /// <summary>
    /// Creates a seed that will listen on <paramref name="consensusEndPoint"/> and keep its state in <paramref name="dataDirectory"/>;
    /// its Raft traffic and table service are secured with <paramref name="tls"/> when it is not <see langword="null"/>.
    /// </summary>
    public SeedNode(IPEndPoint consensusEndPoint, IReadOnlyList<IPEndPoint> seeds, string dataDirectory, PartisanClusteringOptions options, Serializer serializer, ILoggerFactory loggerFactory, PartisanTlsOptions? tls = null)
    {
        _tls = tls;
        ConsensusEndPoint = consensusEndPoint;
        ServiceEndPoint = new IPEndPoint(consensusEndPoint.Address, consensusEndPoint.Port + options.ServicePortOffset);
        DataDirectory = dataDirectory;
        _seeds = seeds;
        _options = options;
        _serializer = serializer;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SeedNode>();
    }

    /// <summary>Where Raft traffic arrives.</summary>
    public IPEndPoint ConsensusEndPoint { get; }

    /// <summary>Where table requests arrive.</summary>
    public IPEndPoint ServiceEndPoint { get; }

    /// <summary>Where the log, term, vote and snapshots live.</summary>
    public string DataDirectory { get; }

    /// <summary>Whether this seed currently leads the group.</summary>
    public bool IsLeader => _cluster is { } c && !c.LeadershipToken.IsCancellationRequested;

    /// <summary>The current leader's consensus endpoint, as this seed sees it.</summary>
    public EndPoint? Leader => _cluster?.Leader?.EndPoint;

    /// <summary>Whether the seed has started (and not stopped).</summary>
    public bool IsRunning => _cluster is not null && _listener is not null && !_disposed;

    /// <summary>This seed's current Raft term; 0 before it starts.</summary>
    public long Term => _cluster?.AuditTrail.Term ?? 0;

    /// <summary>
    /// When this seed leads, the other seeds it cannot reach now (their Raft status is unavailable): replicas that fall
    /// behind the log. Empty when it does not lead, since only the leader talks to every seed.
    /// </summary>
    public IReadOnlyList<EndPoint> UnreachableSeeds => IsLeader && _cluster is { } raft
        ? [.. raft.Members.Where(m => m.IsRemote && m.Status == ClusterMemberStatus.Unavailable).Select(m => m.EndPoint)]
        : [];

    string ISeedGaugeSource.Seed => ConsensusEndPoint.ToString();

    /// <summary>Starts the Raft member and the table service; repeated calls share the first start.</summary>
    public Task StartAsync(CancellationToken token)
    {
        lock (_gate)
        {
            return _started ??= StartCoreAsync(token);
        }
    }

    private async Task StartCoreAsync(CancellationToken token)
    {
        Directory.CreateDirectory(DataDirectory);
        try
        {
            _directoryLock = new FileStream(Path.Combine(DataDirectory, "seed.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"DataDirectory '{DataDirectory}' of seed {ConsensusEndPoint} is in use by another seed; give every seed its own directory.", e);
        }

        _stateMachine = new MembershipStateMachine(new DirectoryInfo(Path.Combine(DataDirectory, "snapshots")), _serializer, _options.SnapshotInterval);
        await _stateMachine.RestoreAsync(token).ConfigureAwait(false);
        _log = new WriteAheadLog(
            new WriteAheadLog.Options
            {
                Location = Path.Combine(DataDirectory, "wal"),
                HashAlgorithm = WriteAheadLog.IntegrityHashAlgorithm.Crc32, // a damaged log entry is detected, not applied
            },
            _stateMachine);

        var configuration = new RaftCluster.TcpConfiguration(ConsensusEndPoint)
        {
            LowerElectionTimeout = (int)_options.LowerElectionTimeout.TotalMilliseconds,
            UpperElectionTimeout = (int)_options.UpperElectionTimeout.TotalMilliseconds,
            RequestTimeout = _options.LowerElectionTimeout,
            ColdStart = false,
            ConfigurationStorage = null,
            LoggerFactory = _loggerFactory,
            SslOptions = _tls is null ? null : new RaftTlsOptions(_tls, ConsensusEndPoint, _logger),
        };
        var storage = configuration.ConfigurationStorage as InMemoryClusterConfigurationStorage<EndPoint>
            ?? throw new InvalidOperationException("DotNext's default Raft configuration storage is not in memory.");
        var members = storage.CreateInitialConfigurationBuilder();
        foreach (var seed in _seeds)
        {
            members.Add(seed);
        }

        members.Build();
        _cluster = new RaftCluster(configuration) { AuditTrail = _log };
        _cluster.LeaderChanged += OnLeaderChanged;
        await _cluster.StartAsync(token).ConfigureAwait(false);

        _listener = new TableServiceListener(ServiceEndPoint, this, _serializer, _logger, _tls, _options.RequestTimeout);
        _listener.Start();
        _gauges = ClusteringMetrics.Register(this);
        ConsensusLog.SeedStarted(_logger, ConsensusEndPoint, _seeds.Count, ServiceEndPoint, DataDirectory);
    }

    private void OnLeaderChanged(ICluster sender, IClusterMember? leader) => ConsensusLog.LeaderChanged(_logger, leader?.EndPoint, ConsensusEndPoint);

    /// <summary>Executes <paramref name="request"/> if this seed leads; otherwise says who does.</summary>
    public async Task<TableResponse> HandleAsync(TableRequest request, CancellationToken token)
    {
        if (_cluster is not { } raft || _stateMachine is not { } state)
        {
            return Unavailable("the seed is not started");
        }

        if (!IsLeader)
        {
            return NotLeader();
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
        bound.CancelAfter(_options.RequestTimeout);
        try
        {
            switch (request.Kind)
            {
                case TableRequestKind.Command when request.Command is { } command:
                    var payload = _serializer.SerializeToArray(command);
                    var started = Stopwatch.GetTimestamp();
                    await raft.ReplicateAsync(payload.AsMemory(), null, bound.Token).ConfigureAwait(false);
                    ClusteringMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", request.Operation));
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
            return Unavailable($"not committed within {_options.RequestTimeout}");
        }
    }

    private TableResponse NotLeader()
    {
        var hint = Leader is IPEndPoint leader && !leader.Equals(ConsensusEndPoint)
            ? new IPEndPoint(leader.Address, leader.Port + _options.ServicePortOffset).ToString()
            : null;
        return new TableResponse { Status = TableResponseStatus.NotLeader, LeaderHint = hint, Reason = "not the leader" };
    }

    private static TableResponse Unavailable(string reason) => new() { Status = TableResponseStatus.Unavailable, Reason = reason };

    /// <summary>Stops the table service and the Raft member and releases the log; the data directory stays.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? start;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            start = _started;
            _started = Task.FromException(new ObjectDisposedException(nameof(SeedNode)));
        }

        if (start is null)
        {
            return;
        }

        await start.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _gauges?.Dispose();
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        if (_cluster is not null)
        {
            _cluster.LeaderChanged -= OnLeaderChanged;
            await _cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }

        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }

        if (_stateMachine is not null)
        {
            await _stateMachine.DisposeAsync().ConfigureAwait(false);
        }

        if (_directoryLock is not null)
        {
            await _directoryLock.DisposeAsync().ConfigureAwait(false);
        }

        ConsensusLog.SeedStopped(_logger, ConsensusEndPoint);
    }
}
