using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Orleans.Partisan.Clustering.Table;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// Binds <see cref="MembershipTableState"/> to DotNext's Raft log: committed entries are decoded and applied in log
/// order, snapshots are the serialized state. Reads may run concurrently with applies; one lock serialises them.
/// </summary>
internal sealed class MembershipStateMachine(DirectoryInfo location, Serializer serializer, int snapshotInterval)
    : SimpleStateMachine(location)
{
    private readonly Lock _gate = new();
    private MembershipTableState _state = new();
    private byte[] _pendingSnapshot = [];
    private long _appliedSinceSnapshot;

    /// <summary>The result of a command applied on this seed, if it is still remembered.</summary>
    public bool? ResultOf(Guid commandId)
    {
        lock (_gate)
        {
            return _state.TryGetResult(commandId, out var result) ? result : null;
        }
    }

    /// <summary>A copy of one cluster's whole table as this seed has applied it.</summary>
    public MembershipTableData ReadAll(string clusterId)
    {
        lock (_gate)
        {
            return _state.ReadAll(clusterId);
        }
    }

    /// <summary>A copy of one row of one cluster's table as this seed has applied it.</summary>
    public MembershipTableData ReadRow(string clusterId, SiloAddress silo)
    {
        lock (_gate)
        {
            return _state.ReadRow(clusterId, silo);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (entry.IsConfiguration || !entry.TryGetPayload(out var payload) || payload.IsEmpty)
        {
            return ValueTask.FromResult(false);
        }

        var command = serializer.Deserialize<TableCommand>(payload)
            ?? throw new InvalidDataException($"Raft log entry {entry.Index} holds no table command.");
        lock (_gate)
        {
            _state.Apply(command);
            if (++_appliedSinceSnapshot < snapshotInterval)
            {
                return ValueTask.FromResult(false);
            }

            _appliedSinceSnapshot = 0;
            _pendingSnapshot = serializer.SerializeToArray(_state.ToSnapshot());
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        byte[] bytes;
        lock (_gate)
        {
            bytes = _pendingSnapshot;
        }

        return writer.Invoke(bytes, token);
    }

    /// <inheritdoc/>
    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        var bytes = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        var snapshot = serializer.Deserialize<TableSnapshot>(bytes)
            ?? throw new InvalidDataException($"Snapshot {snapshotFile.FullName} holds no table state.");
        lock (_gate)
        {
            _state = new MembershipTableState(snapshot);
            _appliedSinceSnapshot = 0;
        }
    }
}
