using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Membership;

/// <summary>
/// Evicts a crashed or frozen silo from Orleans' membership on the overlay's evidence, confirmed by other silos
/// (see <see cref="FailureDetectionOptions"/>): a silo whose overlay connections were lost is dialled afresh by this
/// silo and by up to <see cref="FailureDetectionOptions.Witnesses"/> other active silos; when enough of them fail and
/// none succeeds, <see cref="IClusterMembershipService.TryKill"/> declares it dead. A dial that got no answer in time
/// while this silo's own process ran late (<see cref="SchedulingLag"/>: the machine's cores are overbooked) is no
/// verdict: the suspect may be as starved as this silo, not frozen. A suspect that refused no dial but answered none
/// is declared dead only when two checks in a row find it so (<see cref="FailureVerdict.Silent"/>), so a process that
/// stalled for a moment while the silos checking it ran on time is not evicted as frozen.
/// </summary>
/// <remarks>
/// A silo can be lost in two ways: its connections close (<see cref="NodeDownReason.ConnectionClosed"/>: it crashed,
/// or the network reset them), and it is checked at once, since the check's own fresh dials tell a crash (refused) from
/// a reset link (reached); or it stops sending anything, heartbeats included, while they stay open
/// (<see cref="NodeDownReason.HeartbeatTimeout"/>: a stopped or frozen process, a half-open connection), and this
/// silo closes them. <see cref="FailureDetectionOptions.SuspectAfter"/> is counted from the moment the silo was
/// last heard from, so a silo that went silent is checked <see cref="PartisanOptions.HeartbeatTimeout"/> sooner:
/// at once with the defaults. Either way the verdict needs the same fresh dials and witnesses, and a frozen process
/// answers neither (its kernel completes the TCP connect, but nobody sends the handshake).
/// </remarks>
internal sealed class OverlayFailureDetector(
    PartisanNode node,
    IReachability reachability,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    IOptions<PartisanOptions> options,
    TimeProvider time,
    ILogger<OverlayFailureDetector> logger)
{
    private readonly PartisanOptions _all = options.Value;
    private readonly FailureDetectionOptions _options = options.Value.FailureDetection;

    // The spec of every node seen up: a node's spec may be gone from the peer service by the time it is suspected.
    private readonly ConcurrentDictionary<NodeName, NodeSpec> _specs = new();
    private readonly ConcurrentDictionary<NodeName, Task> _suspected = new();

    /// <summary>Whether this silo's own process ran late, by half of <see cref="FailureDetectionOptions.ProbeTimeout"/> or more.</summary>
    internal SchedulingLag Lag { get; } = new(time, options.Value.FailureDetection.ProbeTimeout / 2);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var lag = Lag;
        lag.Start();
        var sweeping = node.JoinsEveryMember ? SweepAsync(cancellationToken) : Task.CompletedTask;
        try
        {
            var events = node.WatchNodesAsync(cancellationToken);

            // Nodes that came up before the detector started are known from the membership.
            foreach (var known in node.GetNodes(NodeSelection.Known))
            {
                if (known != node.Name && node.GetNodeSpec(known) is { } spec)
                {
                    _specs[known] = spec;
                }
            }

            await foreach (var nodeEvent in events.ConfigureAwait(false))
            {
                if (nodeEvent.Kind == NodeEventKind.Up)
                {
                    if (node.GetNodeSpec(nodeEvent.Node) is { } spec)
                    {
                        _specs[nodeEvent.Node] = spec;
                    }
                }
                else if (nodeEvent.Reason is NodeDownReason.ConnectionClosed or NodeDownReason.HeartbeatTimeout && (_specs.GetValueOrDefault(nodeEvent.Node) ?? node.GetNodeSpec(nodeEvent.Node)) is { } lost)
                {
                    var wait = FirstWait(nodeEvent.Reason.Value, _all);
                    _ = _suspected.GetOrAdd(nodeEvent.Node, _ => SuspectAsync(lost, wait, cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await sweeping.ConfigureAwait(false);
        await Task.WhenAll(_suspected.Values).ConfigureAwait(false);
    }

    /// <summary>
    /// In a full mesh every active silo should be connected: one that stays unconnected for
    /// <see cref="FailureDetectionOptions.SuspectAfter"/> is suspected even if it never came up (it crashed
    /// before this silo connected to it, so no <c>nodedown</c> will ever name it).
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var unconnectedSince = new Dictionary<NodeName, long>();
        try
        {
            while (true)
            {
                await Task.Delay(_options.SuspectAfter, time, cancellationToken).ConfigureAwait(false);
                var now = time.GetTimestamp();
                var active = membership.CurrentSnapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress))
                    .Select(m => m.SiloAddress.GetNodeName())
                    .ToHashSet();
                foreach (var gone in unconnectedSince.Keys.Where(n => !active.Contains(n) || node.IsConnected(n)).ToList())
                {
                    unconnectedSince.Remove(gone);
                }

                foreach (var member in active.Where(n => !node.IsConnected(n)))
                {
                    if (unconnectedSince.TryAdd(member, now) || time.GetElapsedTime(unconnectedSince[member], now) < _options.SuspectAfter)
                    {
                        continue;
                    }

                    if ((_specs.GetValueOrDefault(member) ?? node.GetNodeSpec(member)) is { } spec)
                    {
                        _ = _suspected.GetOrAdd(member, _ => SuspectAsync(spec, _options.SuspectAfter, cancellationToken));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// How long after a <c>nodedown</c> with <paramref name="reason"/> the node is first checked: at once when its
    /// connections closed (<see cref="NodeDownReason.ConnectionClosed"/>: a crashed silo refuses the check's fresh dials
    /// at once, a live one behind a reset link answers them, so waiting for a reconnect tells nothing more); otherwise
    /// <see cref="FailureDetectionOptions.SuspectAfter"/> counted from when it was last heard from, which for a node that
    /// went silent (<see cref="NodeDownReason.HeartbeatTimeout"/>) was <see cref="PartisanOptions.HeartbeatTimeout"/> earlier.
    /// </summary>
    internal static TimeSpan FirstWait(NodeDownReason reason, PartisanOptions options)
    {
        var suspectAfter = options.FailureDetection.SuspectAfter;
        if (reason == NodeDownReason.ConnectionClosed)
        {
            return TimeSpan.Zero;
        }

        if (reason != NodeDownReason.HeartbeatTimeout || options.HeartbeatTimeout == Timeout.InfiniteTimeSpan)
        {
            return suspectAfter;
        }

        return options.HeartbeatTimeout >= suspectAfter ? TimeSpan.Zero : suspectAfter - options.HeartbeatTimeout;
    }

    /// <summary>How many times a suspect is checked while the witnesses' answers do not settle it.</summary>
    private const int MaxChecks = 5;

    /// <summary>
    /// The detector's rule: <see cref="FailureVerdict.Reachable"/> when this silo or a witness reaches <paramref name="suspect"/>;
    /// <see cref="FailureVerdict.Dead"/> when none does and at least <see cref="FailureDetectionOptions.Witnesses"/> silos in
    /// all (this one included) fail to, unless this silo's own dial got no answer while this silo's process ran late
    /// (<see cref="Lag"/>: the suspect may be starved as well, not frozen), or got no answer without a refusal and
    /// <paramref name="silentBefore"/> is false (<see cref="FailureVerdict.Silent"/>: the check before did not find it
    /// silent); otherwise <see cref="FailureVerdict.Unconfirmed"/>.
    /// </summary>
    internal async Task<FailureVerdict> CheckAsync(NodeSpec suspect, SiloAddress suspectSilo, bool silentBefore, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var witnesses = Witnesses(
            localSilo.SiloAddress,
            membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(suspectSilo)).Select(m => m.SiloAddress),
            _options.Witnesses);

        // This silo's own dial and the witnesses' run at once: a frozen silo (its kernel accepts the connection, nobody
        // answers) makes every dial wait its whole ProbeTimeout, and one after the other would double the wait.
        var own = reachability.ProbeAsync(suspect, cancellationToken);
        var asked = witnesses.Select(Ask).ToList();
        var outcome = await own.ConfigureAwait(false);
        if (outcome == ProbeOutcome.Reached)
        {
            return FailureVerdict.Reachable;
        }

        var answers = await Task.WhenAll(asked).ConfigureAwait(false);
        var reached = answers.Count(a => a == true);
        var failed = answers.Count(a => a == false);
        MembershipLog.SuspectChecked(logger, suspect.Name, failed + 1, outcome, reached, witnesses.Count - reached - failed);
        var starved = outcome == ProbeOutcome.NoAnswer && Lag.LateSince(start);
        var verdict = Verdict(outcome, reached, failed, starved, silentBefore, _options);
        if (starved && reached == 0 && failed + 1 >= _options.Witnesses)
        {
            MembershipLog.SuspectWhileStarved(logger, suspect.Name, Lag.Threshold.TotalMilliseconds);
        }
        else if (verdict == FailureVerdict.Silent)
        {
            MembershipLog.SuspectSilent(logger, suspect.Name);
        }

        return verdict;

        async Task<bool?> Ask(SiloAddress witness)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.ProbeTimeout * 3);
            try
            {
                return await reachability.CanWitnessReachAsync(witness, suspect, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                MembershipLog.WitnessFailed(logger, exception, witness, suspect.Name);
                return null;
            }
        }
    }

    /// <summary>
    /// The <paramref name="count"/> silos of <paramref name="active"/> that <paramref name="self"/> asks: those that follow
    /// it in address order, wrapping around. Every silo that lost the same suspect checks it at once (all of them, in a
    /// full mesh), and the silos after each in the ring spread the questions evenly; the first silos in address order
    /// for everyone made two silos answer every question (28 of them at once at 16 silos), on a machine as starved as
    /// the rest. Pure, for the tests.
    /// </summary>
    internal static List<SiloAddress> Witnesses(SiloAddress self, IEnumerable<SiloAddress> active, int count)
    {
        var others = active.Where(s => !s.Equals(self)).Select(s => (Silo: s, Key: s.ToParsableString())).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var own = self.ToParsableString();
        var after = others.FindIndex(s => string.CompareOrdinal(s.Key, own) > 0);
        var first = after < 0 ? 0 : after;
        return [.. Enumerable.Range(0, Math.Min(count, others.Count)).Select(i => others[(first + i) % others.Count].Silo)];
    }

    /// <summary>
    /// The verdict from this silo's own dial (<paramref name="own"/>), the witnesses that reached the suspect
    /// (<paramref name="reached"/>) and those that failed to (<paramref name="failed"/>), whether this silo's process ran
    /// late during its dial (<paramref name="starved"/>), and whether the check just before found the suspect
    /// <see cref="FailureVerdict.Silent"/> (<paramref name="silentBefore"/>): see <see cref="CheckAsync"/>. Pure, for the tests.
    /// </summary>
    internal static FailureVerdict Verdict(ProbeOutcome own, int reached, int failed, bool starved, bool silentBefore, FailureDetectionOptions options)
    {
        if (own == ProbeOutcome.Reached || reached > 0)
        {
            return FailureVerdict.Reachable;
        }

        if ((own == ProbeOutcome.NoAnswer && starved) || failed + 1 < options.Witnesses)
        {
            return FailureVerdict.Unconfirmed;
        }

        // A refusal is a crash; silence is a verdict only the second time in a row.
        return own == ProbeOutcome.NoAnswer && !silentBefore ? FailureVerdict.Silent : FailureVerdict.Dead;
    }

    /// <summary>
    /// Checks <paramref name="suspect"/> after <paramref name="firstWait"/>; again at once after a <see cref="FailureVerdict.Silent"/>
    /// check, and after <see cref="FailureDetectionOptions.SuspectAfter"/> while the witnesses do not settle it.
    /// </summary>
    private async Task SuspectAsync(NodeSpec suspect, TimeSpan firstWait, CancellationToken cancellationToken)
    {
        // Never completes synchronously: this runs inside _suspected.GetOrAdd, and its finally must remove the entry
        // after it was added, or a suspect checked at once and found connected would never be suspected again.
        await Task.Yield();
        try
        {
            // A witness may fail to answer while the cluster is still adjusting to the loss (not yet
            // connected to this silo, say): check again, a bounded number of times.
            var silentBefore = false;
            for (var check = 1; check <= MaxChecks; check++)
            {
                var wait = check == 1 ? firstWait : silentBefore ? TimeSpan.Zero : _options.SuspectAfter;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                }

                if (node.IsConnected(suspect.Name) || !TryGetSilo(suspect.Name, out var silo) || membership.CurrentSnapshot.GetSiloStatus(silo) != SiloStatus.Active)
                {
                    return;
                }

                var verdict = await CheckAsync(suspect, silo, silentBefore, cancellationToken).ConfigureAwait(false);
                silentBefore = verdict == FailureVerdict.Silent;
                // Another silo's verdict may have reached this one during the check: then one write to the table was enough.
                if (verdict == FailureVerdict.Dead && membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Active)
                {
                    var killed = await membership.TryKill(silo).ConfigureAwait(false);
                    MembershipLog.Evicted(logger, silo, killed);
                }

                PartisanMetrics.FailureVerdicts.Add(1, new KeyValuePair<string, object?>("verdict", verdict switch
                {
                    FailureVerdict.Dead => "dead",
                    FailureVerdict.Reachable => "reachable",
                    FailureVerdict.Silent => "silent",
                    _ => "unconfirmed",
                }));
                if (verdict is FailureVerdict.Dead or FailureVerdict.Reachable)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            MembershipLog.DetectorFailed(logger, exception, suspect.Name);
        }
        finally
        {
            _suspected.TryRemove(suspect.Name, out _);
        }
    }

    private static bool TryGetSilo(NodeName node, out SiloAddress silo)
    {
        try
        {
            silo = SiloAddress.FromParsableString(node.Value);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            silo = null!;
            return false;
        }
    }
}
