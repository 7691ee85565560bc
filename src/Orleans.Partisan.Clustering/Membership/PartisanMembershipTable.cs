using System.Diagnostics;
using Orleans.Partisan.Clustering.Consensus;
using Orleans.Partisan.Clustering.Table;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Clustering.Membership;

/// <summary>
/// Orleans' membership table held by the seeds' Raft group: every write is a conditional command replicated through
/// the Raft log and applied on every seed; every read is served by the leader after a read barrier, so reads and
/// writes are linearizable. One handle per silo (or test); handles of one cluster share the committed state.
/// </summary>
/// <remarks>
/// Once its silo stops (<see cref="BeginStopping"/>), each operation is bounded by a shorter timeout, and the first one
/// that finds the table unavailable makes the handle give the table up: every later operation fails at once.
/// </remarks>
internal sealed class PartisanMembershipTable(SeedClient client, string clusterId, SeedNode? localSeed, TimeSpan startupTimeout) : IMembershipTable
{
    private Stopping? _stopping;
    private int _givenUp;

    /// <summary>The cluster whose table this handle reads and writes.</summary>
    public string ClusterId => clusterId;

    /// <summary>Whether the silo stopped and found the table unavailable, so that every operation now fails at once.</summary>
    public bool GivenUp => Volatile.Read(ref _givenUp) == 1;

    /// <summary>
    /// The silo is stopping: each operation from now on is bounded by <paramref name="timeout"/>, and the first one that
    /// finds the table unavailable calls <paramref name="onGivenUp"/> (once, with the exception) and makes every later
    /// operation fail at once.
    /// </summary>
    public void BeginStopping(TimeSpan timeout, Action<PartisanClusteringUnavailableException> onGivenUp)
        => Volatile.Write(ref _stopping, new Stopping(timeout, onGivenUp));

    /// <inheritdoc/>
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        if (localSeed is not null)
        {
            await localSeed.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!tryInitTableVersion)
        {
            return;
        }

        // The seeds may start a little apart: keep waiting for a majority until the start-up bound.
        var command = new InitializeTableCommand { CommandId = Guid.NewGuid(), ClusterId = clusterId };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PartisanClusteringUnavailableException) when (clock.Elapsed < startupTimeout)
            {
            }
        }
    }

    /// <inheritdoc/>
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        return ExecuteAsync(new DeleteTableCommand { CommandId = Guid.NewGuid(), ClusterId = clusterId }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
        => ExecuteAsync(new CleanupDefunctCommand { CommandId = Guid.NewGuid(), ClusterId = clusterId, Cutoff = beforeDate }, cancellationToken);

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReadAsync(new TableRequest { Kind = TableRequestKind.ReadRow, ClusterId = clusterId, Silo = key }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
        => ReadAsync(new TableRequest { Kind = TableRequestKind.ReadAll, ClusterId = clusterId }, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return ExecuteAsync(new InsertRowCommand { CommandId = Guid.NewGuid(), ClusterId = clusterId, Entry = entry, Version = tableVersion }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(etag);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return ExecuteAsync(new UpdateRowCommand { CommandId = Guid.NewGuid(), ClusterId = clusterId, Entry = entry, Etag = etag, Version = tableVersion }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ExecuteAsync(new UpdateIAmAliveCommand { CommandId = Guid.NewGuid(), ClusterId = clusterId, SiloAddress = entry.SiloAddress, IAmAliveTime = entry.IAmAliveTime }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <inheritdoc/>
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <inheritdoc/>
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    /// <inheritdoc/>
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <inheritdoc/>
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <inheritdoc/>
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    private async Task<bool> ExecuteAsync(TableCommand command, CancellationToken token)
    {
        var response = await SendAsync(new TableRequest { Kind = TableRequestKind.Command, Command = command }, token).ConfigureAwait(false);
        return response.Result;
    }

    private async Task<MembershipTableData> ReadAsync(TableRequest request, CancellationToken token)
    {
        var response = await SendAsync(request, token).ConfigureAwait(false);
        return response.Data ?? throw new InvalidDataException($"The leader answered {request} without data.");
    }

    private async Task<TableResponse> SendAsync(TableRequest request, CancellationToken token)
    {
        var stopping = Volatile.Read(ref _stopping);
        if (stopping is null)
        {
            return await client.SendAsync(request, token).ConfigureAwait(false);
        }

        if (GivenUp)
        {
            throw new PartisanClusteringUnavailableException($"{request} not sent: this silo is stopping and gave up on the membership table, which an earlier operation found unavailable.");
        }

        try
        {
            return await client.SendAsync(request, stopping.Timeout, token).ConfigureAwait(false);
        }
        catch (PartisanClusteringUnavailableException exception)
        {
            if (Interlocked.Exchange(ref _givenUp, 1) == 0)
            {
                stopping.OnGivenUp(exception);
            }

            throw;
        }
    }

    private sealed record Stopping(TimeSpan Timeout, Action<PartisanClusteringUnavailableException> OnGivenUp);
}
