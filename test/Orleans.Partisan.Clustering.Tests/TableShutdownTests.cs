using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Partisan.Clustering.Hosting;
using Orleans.Partisan.Clustering.Membership;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// A stopping silo bounds what it waits for its membership table: operations get the shorter timeout, Orleans'
/// retries of the final status writes are bounded, and once the table is found unavailable the silo gives it up.
/// </summary>
public sealed class TableShutdownTests
{
    private static readonly Lazy<Serializer> Serializer = new(() => new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    /// <summary>A seed whose table-service port is bound but not listening: every request is refused, as after the seeds exited.</summary>
    private static (Socket Holder, PartisanClusteringOptions Options) GoneSeeds()
    {
        var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var servicePort = ((IPEndPoint)holder.LocalEndPoint!).Port;
        return (holder, new PartisanClusteringOptions
        {
            Seeds = [$"127.0.0.1:{servicePort - PartisanClusteringOptions.DefaultServicePortOffset}"],
            LowerElectionTimeout = TimeSpan.FromMilliseconds(50),
            UpperElectionTimeout = TimeSpan.FromMilliseconds(100),
            ShutdownRequestTimeout = TimeSpan.FromMilliseconds(300),
            RequestTimeout = TimeSpan.FromSeconds(20),
        });
    }

    private static PartisanMembershipTable Table(PartisanClusteringOptions options)
        => new(new SeedClient(options, Serializer.Value, NullLogger.Instance), "stopping", localSeed: null, startupTimeout: options.RequestTimeout);

    [Fact]
    public async Task A_stopping_table_fails_within_the_shutdown_timeout_then_gives_up_and_fails_at_once()
    {
        var (holder, options) = GoneSeeds();
        using (holder)
        {
            var table = Table(options);
            var givenUp = new List<PartisanClusteringUnavailableException>();
            table.BeginStopping(options.ShutdownRequestTimeout, givenUp.Add);

            // The first operation tries the seeds for the shutdown timeout, not the 20 s request timeout.
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(table.ReadAll);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the first failure took {watch.Elapsed}");
            Assert.True(table.GivenUp);
            Assert.Single(givenUp);

            // Every later operation fails before sending anything: its task is already faulted.
            var write = table.UpdateIAmAlive(new MembershipEntry { SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1), 1) });
            Assert.True(write.IsFaulted);
            var error = await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(() => write);
            Assert.Contains("gave up on the membership table", error.Message, StringComparison.Ordinal);
            Assert.Single(givenUp);
        }
    }

    [Fact]
    public async Task A_table_that_is_not_stopping_never_gives_up()
    {
        var (holder, options) = GoneSeeds();
        options.RequestTimeout = TimeSpan.FromMilliseconds(300);
        using (holder)
        {
            var table = Table(options);
            await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(table.ReadAll);
            Assert.False(table.GivenUp);
            var again = table.ReadAll();
            Assert.False(again.IsCompleted);
            await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(() => again);
        }
    }

    [Fact]
    public async Task When_the_silo_stops_orleans_retries_of_status_writes_are_bounded_and_cut_to_one_attempt_once_the_table_is_given_up()
    {
        var (holder, options) = GoneSeeds();
        using (holder)
        {
            var table = Table(options);
            var membership = new ClusterMembershipOptions();
            Assert.Equal(TimeSpan.FromMinutes(5), membership.MaxJoinAttemptTime); // Orleans' default, which bounds those retries
            var lifecycle = new RecordingLifecycle();
            new TableShutdown(table, Options.Create(options), Options.Create(membership), NullLogger<TableShutdown>.Instance).Participate(lifecycle);

            var (stage, observer) = Assert.Single(lifecycle.Observers);
            Assert.Equal(ServiceLifecycleStage.Active, stage);
            await observer.OnStart(CancellationToken.None);
            Assert.Equal(TimeSpan.FromMinutes(5), membership.MaxJoinAttemptTime);

            await observer.OnStop(CancellationToken.None);
            Assert.Equal(options.ShutdownRequestTimeout * 2, membership.MaxJoinAttemptTime);

            await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(table.ReadAll);
            Assert.True(table.GivenUp);
            Assert.Equal(TableShutdown.GivenUpAttemptTime, membership.MaxJoinAttemptTime);
        }
    }

    /// <summary>A silo lifecycle that only records who subscribed at which stage.</summary>
    private sealed class RecordingLifecycle : ISiloLifecycle
    {
        public List<(int Stage, ILifecycleObserver Observer)> Observers { get; } = [];

        public int HighestCompletedStage => 0;

        public int LowestStoppedStage => 0;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            Observers.Add((stage, observer));
            return new NoSubscription();
        }

        private sealed class NoSubscription : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
