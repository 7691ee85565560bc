using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Partisan.Membership;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Membership;

/// <summary>The failure detector's verdict: dead only when enough silos fail to reach the suspect and none reaches it.</summary>
public sealed class OverlayFailureDetectorTests
{
    private static readonly SiloAddress Self = Silo(1);
    private static readonly SiloAddress Suspect = Silo(9);
    private static readonly NodeSpec SuspectSpec = new(Suspect.GetNodeName(), [new IPEndPoint(IPAddress.Loopback, 9)], new Dictionary<string, ChannelOptions> { [PartisanChannels.Default] = new() });

    [Theory]
    [InlineData(false, new[] { false, false }, 2, "Dead")]             // this silo and both witnesses fail
    [InlineData(false, new[] { false, true }, 2, "Reachable")]         // one witness reaches it: a bad link, not a dead silo
    [InlineData(true, new[] { false, false }, 2, "Reachable")]         // this silo reaches it afresh
    [InlineData(false, new[] { false }, 2, "Dead")]                    // one witness suffices for two in all
    [InlineData(false, new bool[0], 2, "Unconfirmed")]                 // nobody to confirm
    [InlineData(false, new[] { false, false }, 4, "Unconfirmed")]      // three in all, four needed
    public async Task The_verdict_needs_enough_witnesses_and_no_dissent(bool selfReaches, bool[] witnessesReach, int witnesses, string expected)
    {
        var others = witnessesReach.Select((_, i) => Silo(2 + i)).ToList();
        var reachability = new FakeReachability(selfReaches ? ProbeOutcome.Reached : ProbeOutcome.Failed, others.Zip(witnessesReach).ToDictionary(p => p.First, p => (bool?)p.Second));
        var detector = Detector(reachability, others, witnesses);

        Assert.Equal(Enum.Parse<FailureVerdict>(expected), await detector.CheckAsync(SuspectSpec, Suspect, silentBefore: false, CancellationToken.None));
        Assert.DoesNotContain(Self, reachability.Asked);
        Assert.DoesNotContain(Suspect, reachability.Asked);
    }

    [Fact]
    public async Task A_witness_that_does_not_answer_neither_confirms_nor_refutes()
    {
        var others = new[] { Silo(2), Silo(3), Silo(4) };
        var reachability = new FakeReachability(ProbeOutcome.Failed, new() { [others[0]] = null, [others[1]] = false, [others[2]] = null });

        // Two witnesses asked (the two after this silo in address order): one fails to answer, one confirms: two silos in all.
        Assert.Equal(FailureVerdict.Dead, await Detector(reachability, others, 2).CheckAsync(SuspectSpec, Suspect, silentBefore: false, CancellationToken.None));
        Assert.Equal(2, reachability.Asked.Count);
        Assert.Equal(FailureVerdict.Unconfirmed, await Detector(reachability, others, 3).CheckAsync(SuspectSpec, Suspect, silentBefore: false, CancellationToken.None));
    }

    [Fact]
    public async Task This_silos_dial_and_the_witnesses_run_at_once()
    {
        // This silo's own dial ends only once a witness has been asked: asked one after the other, the check would hang.
        var others = new[] { Silo(2), Silo(3) };
        var reachability = new FakeReachability(ProbeOutcome.Failed, new() { [others[0]] = false, [others[1]] = false }) { OwnDialWaitsForAWitness = true };

        var verdict = await Detector(reachability, others, 2).CheckAsync(SuspectSpec, Suspect, silentBefore: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(FailureVerdict.Dead, verdict);
    }

    [Theory]
    [InlineData("NoAnswer", false, "Dead")]        // silent, the second check in a row, while this silo ran on time: frozen
    [InlineData("NoAnswer", true, "Unconfirmed")]  // silent while this silo itself ran late: the machine is starved, so may the suspect be
    [InlineData("Failed", true, "Dead")]           // refused: it crashed, starved machine or not
    [InlineData("Failed", false, "Dead")]
    [InlineData("Reached", true, "Reachable")]
    public void A_dial_that_got_no_answer_while_this_silo_ran_late_is_no_verdict(string own, bool starved, string expected)
    {
        // Both witnesses failed to reach it, none reached it, and the check before found it silent.
        var verdict = OverlayFailureDetector.Verdict(Enum.Parse<ProbeOutcome>(own), reached: 0, failed: 2, starved, silentBefore: true, new FailureDetectionOptions());

        Assert.Equal(Enum.Parse<FailureVerdict>(expected), verdict);
    }

    [Theory]
    [InlineData("NoAnswer", false, 2, 0, "Silent")]       // silent once: a process stalled for a moment looks the same; checked again at once
    [InlineData("NoAnswer", true, 2, 0, "Dead")]          // silent twice in a row: frozen
    [InlineData("Failed", false, 2, 0, "Dead")]           // refused: a crash needs no second check
    [InlineData("NoAnswer", true, 2, 1, "Reachable")]     // a witness reached it: alive, whatever came before
    [InlineData("NoAnswer", false, 0, 0, "Unconfirmed")]  // too few silos to say so: not even silent
    public void Silence_is_a_verdict_only_the_second_time_in_a_row_and_a_refusal_the_first(string own, bool silentBefore, int failed, int reached, string expected)
    {
        var verdict = OverlayFailureDetector.Verdict(Enum.Parse<ProbeOutcome>(own), reached, failed, starved: false, silentBefore, new FailureDetectionOptions());

        Assert.Equal(Enum.Parse<FailureVerdict>(expected), verdict);
    }

    [Fact]
    public async Task A_silent_suspect_is_not_declared_dead_by_a_check_during_which_this_silo_ran_late()
    {
        // The case of sixteen silo processes starting on two cores: every silo is starved for seconds, so a suspect that
        // answers no dial in time, from here or from the witnesses, may be alive; a check during which this silo's own
        // timer came late (here by 3 s, against 0.5 s allowed with ProbeTimeout 1 s) must not conclude it dead.
        var time = new FakeTimeProvider();
        var others = new[] { Silo(2), Silo(3) };
        var reachability = new FakeReachability(ProbeOutcome.NoAnswer, new() { [others[0]] = false, [others[1]] = false });
        var detector = Detector(reachability, others, 2, time);
        detector.Lag.OnTick(time.GetTimestamp());
        reachability.DuringDial = () => time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(FailureVerdict.Unconfirmed, await detector.CheckAsync(SuspectSpec, Suspect, silentBefore: false, CancellationToken.None));

        // Once this silo runs on time again (the late tick comes, then one on time), the same silence is a verdict.
        detector.Lag.OnTick(time.GetTimestamp());
        time.Advance(SchedulingLag.Interval);
        detector.Lag.OnTick(time.GetTimestamp());
        reachability.DuringDial = () =>
        {
            time.Advance(SchedulingLag.Interval);
            detector.Lag.OnTick(time.GetTimestamp());
        };
        Assert.Equal(FailureVerdict.Silent, await detector.CheckAsync(SuspectSpec, Suspect, silentBefore: false, CancellationToken.None));
        Assert.Equal(FailureVerdict.Dead, await detector.CheckAsync(SuspectSpec, Suspect, silentBefore: true, CancellationToken.None));
    }

    [Fact]
    public void Each_silo_asks_the_silos_after_it_in_address_order_so_the_questions_spread()
    {
        var silos = Enumerable.Range(1, 6).Select(Silo).ToList();

        Assert.Equal([silos[2], silos[3]], OverlayFailureDetector.Witnesses(silos[1], silos, 2));
        Assert.Equal([silos[0], silos[1]], OverlayFailureDetector.Witnesses(silos[5], silos, 2)); // wraps around
        Assert.Equal([silos[1]], OverlayFailureDetector.Witnesses(silos[0], silos.Take(2), 2));   // fewer than asked for

        // Every silo checking the same suspect at once: each silo is asked by two, not two silos by all.
        var asked = silos.SelectMany(s => OverlayFailureDetector.Witnesses(s, silos, 2)).GroupBy(s => s).Select(g => g.Count());
        Assert.All(asked, count => Assert.Equal(2, count));
    }

    [Theory]
    [InlineData("ConnectionClosed", 2000, 4000, 0)]         // closed connections: checked at once, the fresh dials tell a crash from a reset link
    [InlineData("HeartbeatTimeout", 2000, 4000, 0)]         // silent for 4 s already: checked at once
    [InlineData("HeartbeatTimeout", 5000, 4000, 1000)]      // SuspectAfter counts from when it was last heard from
    [InlineData("HeartbeatTimeout", 2000, -1, 2000)]        // heartbeats off (no such nodedown comes): SuspectAfter
    public void A_silo_is_first_checked_at_once_when_its_connections_closed_and_otherwise_SuspectAfter_after_it_was_last_heard_from(string reason, int suspectAfterMs, int heartbeatTimeoutMs, int expectedMs)
    {
        var options = new PartisanOptions { HeartbeatTimeout = heartbeatTimeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(heartbeatTimeoutMs) };
        options.FailureDetection.SuspectAfter = TimeSpan.FromMilliseconds(suspectAfterMs);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), OverlayFailureDetector.FirstWait(Enum.Parse<NodeDownReason>(reason), options));
    }

    private static OverlayFailureDetector Detector(IReachability reachability, IEnumerable<SiloAddress> others, int witnesses, TimeProvider? time = null)
    {
        var options = new PartisanOptions();
        options.FailureDetection.Enabled = true;
        options.FailureDetection.Witnesses = witnesses;
        var members = others.Append(Self).Append(Suspect).ToImmutableDictionary(s => s, s => new ClusterMember(s, SiloStatus.Active, s.ToString()));
        return new OverlayFailureDetector(
            node: null!, // CheckAsync asks the reachability and the membership only
            reachability,
            new FakeMembership(new ClusterMembershipSnapshot(members, new MembershipVersion(1))),
            new FakeLocalSilo(Self),
            Options.Create(options),
            time ?? TimeProvider.System,
            NullLogger<OverlayFailureDetector>.Instance);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11000 + port), 1);

    private sealed class FakeReachability(ProbeOutcome own, Dictionary<SiloAddress, bool?> witnesses) : IReachability
    {
        private readonly TaskCompletionSource _witnessAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<SiloAddress> Asked { get; } = [];

        /// <summary>Whether this silo's own dial completes only once a witness has been asked.</summary>
        public bool OwnDialWaitsForAWitness { get; init; }

        /// <summary>Runs while this silo's own dial is under way (to move the clock, say).</summary>
        public Action? DuringDial { get; set; }

        public async Task<ProbeOutcome> ProbeAsync(NodeSpec node, CancellationToken cancellationToken)
        {
            if (OwnDialWaitsForAWitness)
            {
                await _witnessAsked.Task.WaitAsync(cancellationToken);
            }

            DuringDial?.Invoke();

            return own;
        }

        public Task<bool> CanWitnessReachAsync(SiloAddress witness, NodeSpec node, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                Asked.Add(witness);
            }

            _witnessAsked.TrySetResult();

            return witnesses[witness] is { } reaches ? Task.FromResult(reaches) : Task.FromException<bool>(new TimeoutException("no answer"));
        }
    }

    private sealed class FakeMembership(ClusterMembershipSnapshot snapshot) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot => snapshot;

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException("not used by the verdict");

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException("not used by the verdict");
    }

    private sealed class FakeLocalSilo(SiloAddress silo) : ILocalSiloDetails
    {
        public string Name => "self";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => silo;

        public SiloAddress GatewayAddress => silo;
    }
}
