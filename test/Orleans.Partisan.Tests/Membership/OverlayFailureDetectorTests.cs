using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Membership;
using Orleans.Partisan.Runtime;

namespace Orleans.Partisan.Tests.Membership;

/// <summary>The failure detector's verdict: dead only when enough silos fail to reach the suspect and none reaches it.</summary>
public sealed class OverlayFailureDetectorTests
{
    private static readonly SiloAddress Self = Silo(1);
    private static readonly SiloAddress Suspect = Silo(9);
    // Active long past FailureDetectionOptions.JoinGrace (60 s by default).
    private static readonly TimeSpan LongActive = TimeSpan.FromMinutes(10);
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

        Assert.Equal(Enum.Parse<FailureVerdict>(expected), await detector.CheckAsync(SuspectSpec, Suspect, LongActive, CancellationToken.None));
        Assert.DoesNotContain(Self, reachability.Asked);
        Assert.DoesNotContain(Suspect, reachability.Asked);
    }

    [Fact]
    public async Task A_witness_that_does_not_answer_neither_confirms_nor_refutes()
    {
        var others = new[] { Silo(2), Silo(3), Silo(4) };
        var reachability = new FakeReachability(ProbeOutcome.Failed, new() { [others[0]] = null, [others[1]] = false, [others[2]] = null });

        // Two witnesses asked (the first two in address order): one fails to answer, one confirms: two silos in all.
        Assert.Equal(FailureVerdict.Dead, await Detector(reachability, others, 2).CheckAsync(SuspectSpec, Suspect, LongActive, CancellationToken.None));
        Assert.Equal(2, reachability.Asked.Count);
        Assert.Equal(FailureVerdict.Unconfirmed, await Detector(reachability, others, 3).CheckAsync(SuspectSpec, Suspect, LongActive, CancellationToken.None));
    }

    [Fact]
    public async Task This_silos_dial_and_the_witnesses_run_at_once()
    {
        // This silo's own dial ends only once a witness has been asked: asked one after the other, the check would hang.
        var others = new[] { Silo(2), Silo(3) };
        var reachability = new FakeReachability(ProbeOutcome.Failed, new() { [others[0]] = false, [others[1]] = false }) { OwnDialWaitsForAWitness = true };

        var verdict = await Detector(reachability, others, 2).CheckAsync(SuspectSpec, Suspect, LongActive, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(FailureVerdict.Dead, verdict);
    }

    [Theory]
    [InlineData("NoAnswer", 5, "Unconfirmed")]    // joined 5 s ago and answers nothing: may be starting on a starved machine
    [InlineData("NoAnswer", 59, "Unconfirmed")]   // still within the 60 s grace
    [InlineData("NoAnswer", 60, "Dead")]          // the grace has passed: silent, as a frozen silo is
    [InlineData("Failed", 0, "Dead")]             // refused at once after joining: it crashed, grace or not
    [InlineData("Failed", 600, "Dead")]
    [InlineData("Reached", 0, "Reachable")]
    public void A_silo_that_joined_recently_is_declared_dead_only_if_its_dial_fails_outright(string own, int activeSeconds, string expected)
    {
        // Both witnesses failed to reach it, and none reached it.
        var verdict = OverlayFailureDetector.Verdict(Enum.Parse<ProbeOutcome>(own), reached: 0, failed: 2, TimeSpan.FromSeconds(activeSeconds), new FailureDetectionOptions());

        Assert.Equal(Enum.Parse<FailureVerdict>(expected), verdict);
    }

    [Fact]
    public async Task A_starved_silo_that_joined_recently_is_not_declared_dead_by_a_check()
    {
        // The case of sixteen silo processes starting on two cores: a silo Active for 5 s sends no heartbeat and answers
        // no dial in time, from here or from the witnesses; it is alive, so the check must not conclude it dead.
        var others = new[] { Silo(2), Silo(3) };
        var reachability = new FakeReachability(ProbeOutcome.NoAnswer, new() { [others[0]] = false, [others[1]] = false });
        var detector = Detector(reachability, others, 2);

        Assert.Equal(FailureVerdict.Unconfirmed, await detector.CheckAsync(SuspectSpec, Suspect, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal(FailureVerdict.Dead, await detector.CheckAsync(SuspectSpec, Suspect, LongActive, CancellationToken.None));
    }

    [Fact]
    public void JoinGrace_defaults_to_60_seconds_and_may_not_be_negative()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), new FailureDetectionOptions().JoinGrace);
        Assert.Empty(new FailureDetectionOptions { JoinGrace = TimeSpan.Zero }.Validate());
        Assert.Contains(new FailureDetectionOptions { JoinGrace = TimeSpan.FromSeconds(-1) }.Validate(), e => e.Contains("JoinGrace", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ConnectionClosed", 2000, 4000, 2000)]      // a crash: SuspectAfter from the nodedown, for reconnects to happen
    [InlineData("HeartbeatTimeout", 2000, 4000, 0)]         // silent for 4 s already: checked at once
    [InlineData("HeartbeatTimeout", 5000, 4000, 1000)]      // SuspectAfter counts from when it was last heard from
    [InlineData("HeartbeatTimeout", 2000, -1, 2000)]        // heartbeats off (no such nodedown comes): SuspectAfter
    public void A_silo_is_first_checked_SuspectAfter_after_it_was_last_heard_from(string reason, int suspectAfterMs, int heartbeatTimeoutMs, int expectedMs)
    {
        var options = new PartisanOptions { HeartbeatTimeout = heartbeatTimeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(heartbeatTimeoutMs) };
        options.FailureDetection.SuspectAfter = TimeSpan.FromMilliseconds(suspectAfterMs);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), OverlayFailureDetector.FirstWait(Enum.Parse<NodeDownReason>(reason), options));
    }

    private static OverlayFailureDetector Detector(IReachability reachability, IEnumerable<SiloAddress> others, int witnesses)
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
            TimeProvider.System,
            NullLogger<OverlayFailureDetector>.Instance);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11000 + port), 1);

    private sealed class FakeReachability(ProbeOutcome own, Dictionary<SiloAddress, bool?> witnesses) : IReachability
    {
        private readonly TaskCompletionSource _witnessAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<SiloAddress> Asked { get; } = [];

        /// <summary>Whether this silo's own dial completes only once a witness has been asked.</summary>
        public bool OwnDialWaitsForAWitness { get; init; }

        public async Task<ProbeOutcome> ProbeAsync(NodeSpec node, CancellationToken cancellationToken)
        {
            if (OwnDialWaitsForAWitness)
            {
                await _witnessAsked.Task.WaitAsync(cancellationToken);
            }

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
