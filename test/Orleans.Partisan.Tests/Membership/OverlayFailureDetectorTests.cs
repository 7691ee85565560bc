using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Partisan.Membership;

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
        var reachability = new FakeReachability(selfReaches, others.Zip(witnessesReach).ToDictionary(p => p.First, p => (bool?)p.Second));
        var detector = Detector(reachability, others, witnesses);

        Assert.Equal(Enum.Parse<FailureVerdict>(expected), await detector.CheckAsync(SuspectSpec, Suspect, CancellationToken.None));
        Assert.DoesNotContain(Self, reachability.Asked);
        Assert.DoesNotContain(Suspect, reachability.Asked);
    }

    [Fact]
    public async Task A_witness_that_does_not_answer_neither_confirms_nor_refutes()
    {
        var others = new[] { Silo(2), Silo(3), Silo(4) };
        var reachability = new FakeReachability(false, new() { [others[0]] = null, [others[1]] = false, [others[2]] = null });

        // Two witnesses asked (the first two in address order): one fails to answer, one confirms: two silos in all.
        Assert.Equal(FailureVerdict.Dead, await Detector(reachability, others, 2).CheckAsync(SuspectSpec, Suspect, CancellationToken.None));
        Assert.Equal(2, reachability.Asked.Count);
        Assert.Equal(FailureVerdict.Unconfirmed, await Detector(reachability, others, 3).CheckAsync(SuspectSpec, Suspect, CancellationToken.None));
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

    private sealed class FakeReachability(bool selfReaches, Dictionary<SiloAddress, bool?> witnesses) : IReachability
    {
        public List<SiloAddress> Asked { get; } = [];

        public Task<bool> CanReachAsync(NodeSpec node, CancellationToken cancellationToken) => Task.FromResult(selfReaches);

        public Task<bool> CanWitnessReachAsync(SiloAddress witness, NodeSpec node, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                Asked.Add(witness);
            }

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
