// ClusterTour: three Orleans silos in one process, each running the Partisan overlay, clustered
// with storage-free clustering (the membership table lives in the three silos' Raft group).
// It prints the membership and connection tables, sends messages on two channels, broadcasts
// to every silo with Plumtree and prints the tree, connects an Orleans client that is an overlay
// node too (forwards, a mailbox, a broadcast handler), stops a silo and shows the nodedown the
// others and the client see, then exits. With --dashboard it skips the stop and serves the live overlay page
// (Orleans.Partisan.Dashboard) on a loopback address it prints, until Ctrl+C.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ClusterTour;
using Orleans.Partisan;
using ReplicatedKeyValue;

var dashboard = args.Contains("--dashboard");
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
try
{
    await RunTourAsync(dashboard, deadline);
    return 0;
}
catch (OperationCanceledException) when (deadline.IsCancellationRequested)
{
    Console.Error.WriteLine("The tour did not finish within two minutes.");
    return 1;
}

static async Task RunTourAsync(bool dashboard, CancellationTokenSource deadline)
{
    var cancellationToken = deadline.Token;
    Section("Starting three silos: storage-free clustering (all three are seeds), the overlay (full mesh; channels 'default' and 'bulk' x4)");
    var seeds = Enumerable.Range(0, 3).Select(_ => $"127.0.0.1:{FreePortPair()}").ToArray();
    var dataDirectories = seeds.Select(_ => Directory.CreateTempSubdirectory("cluster-tour-seed-")).ToList();
    var silos = Enumerable.Range(0, 3).Select(i => StartSilo(seeds, i, dataDirectories[i].FullName)).ToList();

    // Seeds start together: the membership table needs a majority of them.
    await Task.WhenAll(silos.Select(s => s.StartAsync(cancellationToken)));
    for (var i = 0; i < silos.Count; i++)
    {
        Console.WriteLine($"  silo {i} up: seed {seeds[i]}, overlay node {Partisan(silos[i]).Name} listening on {Partisan(silos[i]).Spec.ListenAddresses[0]}");
    }

    var nodes = silos.Select(Partisan).ToList();
    await WaitUntilAsync(() => nodes.All(n => nodes.All(m => m.Name == n.Name || n.IsFullyConnected(m.Name))), cancellationToken);

    Section("Membership (nodes(known)) as each silo sees it");
    foreach (var node in nodes)
    {
        Console.WriteLine($"  {node.Name}: {string.Join("  ", node.GetNodes(NodeSelection.Known))}");
    }

    Section("Connections of silo 0 (outbound carry its messages; inbound carry its peers')");
    Console.WriteLine($"  {"peer",-28} {"channel",-8} {"lane",4}  direction");
    foreach (var c in nodes[0].GetConnections().OrderBy(c => c.Direction).ThenBy(c => c.Peer).ThenBy(c => c.Channel).ThenBy(c => c.Lane))
    {
        Console.WriteLine($"  {c.Peer,-28} {c.Channel,-8} {c.Lane,4}  {c.Direction}");
    }

    Section("Messages on two channels");
    var delivered = new ConcurrentQueue<string>();
    var receivers = nodes.Select(n => n.RegisterReceiver("greeter", m => delivered.Enqueue($"  {n.Name} got '{m.Message}' from {m.From} on '{m.Channel}'"))).ToList();
    foreach (var target in nodes.Skip(1))
    {
        await nodes[0].ForwardMessageAsync(target.Name, PartisanTarget.Named("greeter"), $"hello over default", cancellationToken: cancellationToken);
        await nodes[0].ForwardMessageAsync(target.Name, PartisanTarget.Named("greeter"), $"hello over bulk", new ForwardOptions { Channel = "bulk", PartitionKey = 7 }, cancellationToken);
    }

    await WaitUntilAsync(() => delivered.Count == 4, cancellationToken);
    foreach (var line in delivered.Order())
    {
        Console.WriteLine(line);
    }

    Section("Broadcast: a replicated key-value map (Plumtree, handler grain on every silo)");
    await nodes[0].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("colour", "red"), cancellationToken);
    await nodes[1].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("shape", "circle"), cancellationToken);
    var grains = silos[0].Services.GetRequiredService<IGrainFactory>();
    var maps = new Dictionary<NodeName, IReadOnlyDictionary<string, string>>();
    await WaitForAsync(
        async () =>
        {
            foreach (var node in nodes)
            {
                maps[node.Name] = await grains.GetBroadcastHandler<IReplicatedKeyValue>(node.Name).GetAll();
            }

            return maps.Values.All(m => m.Count == 2);
        },
        cancellationToken);
    foreach (var (node, map) in maps)
    {
        Console.WriteLine($"  {node}: {string.Join(", ", map.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"))}");
    }

    Console.WriteLine($"  The tree of root {nodes[0].Name} (eager links push, lazy links announce):");
    foreach (var node in nodes)
    {
        var tree = (await node.GetBroadcastTreesAsync()).FirstOrDefault(t => t.Root == nodes[0].Name);
        Console.WriteLine($"    {node.Name}  eager [{string.Join(", ", tree?.Eager ?? [])}]  lazy [{string.Join(", ", tree?.Lazy ?? [])}]");
    }

    if (dashboard)
    {
        // No time limit while the page is served; the stop that follows has two minutes again.
        deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        await ServeDashboardAsync(silos[0]);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        receivers.ForEach(r => r.Dispose());
        await StopAllAsync(silos, dataDirectories, cancellationToken);
        return;
    }

    Section("An Orleans client as an overlay node (IClientBuilder.AddPartisan)");
    using var client = StartClient(seeds);
    await client.StartAsync(cancellationToken);
    var onClient = Partisan(client);
    Console.WriteLine($"  client node {onClient.Name} listening on {onClient.Spec.ListenAddresses[0]}, attached to gateway {string.Join(", ", onClient.GetNodes(NodeSelection.Connected))}");

    await onClient.ForwardMessageAsync(nodes[1].Name, PartisanTarget.Named("greeter"), "hello from a client", cancellationToken: cancellationToken);
    await WaitUntilAsync(() => delivered.Count == 5, cancellationToken);
    Console.WriteLine(delivered.Single(line => line.Contains("hello from a client", StringComparison.Ordinal)));

    using var inbox = onClient.CreateMailbox();
    await nodes[2].ForwardMessageAsync(inbox.Self, "hello, client", cancellationToken: cancellationToken);
    var mail = await inbox.ReceiveAsync(cancellationToken);
    Console.WriteLine($"  the client's mailbox {inbox.Self} got '{mail.Message}' from {mail.From}");

    var mapOnClient = client.Services.GetRequiredService<KeyValueOnClient>();
    await nodes[0].BroadcastAsync<IReplicatedKeyValue>(new KeyValueWrite("size", "large"), cancellationToken);
    await WaitUntilAsync(() => mapOnClient.GetAll().ContainsKey("size"), cancellationToken);
    Console.WriteLine($"  the client's broadcast handler got silo 0's write: {string.Join(", ", mapOnClient.GetAll().OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value}"))}");

    Section("Node monitors: silo 2 stops gracefully");
    var nodedown = new TaskCompletionSource<NodeEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
    nodes[0].MonitorNodes(true, NodeEventSubscriber.Callback(e =>
    {
        Console.WriteLine($"  silo 0 saw: {e}");
        if (e.Kind == NodeEventKind.Down)
        {
            nodedown.TrySetResult(e);
        }
    }), new MonitorNodesOptions { IncludeReason = true });
    var stopping = nodes[2].Name;
    var clientNodedown = new TaskCompletionSource<NodeEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
    var monitored = onClient.MonitorNode(stopping, true, NodeEventSubscriber.Callback(e =>
    {
        Console.WriteLine($"  the client saw: {e}");
        clientNodedown.TrySetResult(e);
    }));
    if (!monitored)
    {
        throw new InvalidOperationException($"The client cannot monitor {stopping}: it has not heard of it from its gateway.");
    }

    await silos[2].StopAsync(cancellationToken);
    var down = await nodedown.Task.WaitAsync(cancellationToken);
    Console.WriteLine($"  {stopping} is down ({down.Reason}); silo 0 now knows: {string.Join("  ", nodes[0].GetNodes(NodeSelection.Known))}");
    await clientNodedown.Task.WaitAsync(cancellationToken);

    // The client's list of silos follows its gateway's welcome, sent at each renewal (Client.RenewInterval, 5 s by default).
    await WaitUntilAsync(() => !onClient.GetNodes(NodeSelection.Known).Contains(stopping) && onClient.GetNodes(NodeSelection.Connected).Any(), cancellationToken);
    Console.WriteLine($"  the client now knows: {string.Join("  ", onClient.GetNodes(NodeSelection.Known).Where(n => n != onClient.Name))}; its gateway is {string.Join(", ", onClient.GetNodes(NodeSelection.Connected))}");

    Section("Stopping the client");
    await client.StopAsync(cancellationToken);
    receivers.ForEach(r => r.Dispose());
    silos[2].Dispose();
    await StopAllAsync(silos.Take(2).ToList(), dataDirectories, cancellationToken);
}

// Stops the silos together (so each can still record its shutdown in the table, which needs a majority of the seeds).
static async Task StopAllAsync(IReadOnlyList<IHost> silos, List<DirectoryInfo> dataDirectories, CancellationToken cancellationToken)
{
    Section("Stopping the remaining silos");
    await Task.WhenAll(silos.Select(s => s.StopAsync(cancellationToken)));
    foreach (var silo in silos)
    {
        silo.Dispose();
    }

    dataDirectories.ForEach(d => d.Delete(recursive: true));
    Console.WriteLine("Done.");
}

// The live overlay page on 127.0.0.1 (a port the OS chooses), reading the cluster through silo 0, until Ctrl+C.
static async Task ServeDashboardAsync(IHost silo)
{
    Section("The overlay page (Orleans.Partisan.Dashboard)");
    var web = WebApplication.CreateSlimBuilder();
    web.WebHost.UseUrls("http://127.0.0.1:0");
    web.Logging.SetMinimumLevel(LogLevel.Warning);
    web.Services.AddSingleton(silo.Services.GetRequiredService<IGrainFactory>());
    await using var app = web.Build();
    app.MapPartisanDashboard();
    await app.StartAsync();
    Console.WriteLine($"  Open {app.Urls.Single()}/partisan   (Ctrl+C to stop the cluster and exit)");

    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("  Ctrl+C: stopping.");
    }

    await app.StopAsync();
}

static IHost StartSilo(string[] seeds, int index, string dataDirectory)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime", LogLevel.Error).AddFilter("DotNext", LogLevel.Error);
    builder.UseOrleans(silo => silo
        .Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("cluster-tour", "cluster-tour"))
        .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort(), listenOnAnyHostAddress: false)
        .UsePartisanClustering(o =>
        {
            o.Seeds = [.. seeds];
            o.ConsensusEndpoint = seeds[index];
            o.DataDirectory = dataDirectory;
        })
        .AddPartisan(o => o.Channels["bulk"] = new ChannelOptions { Parallelism = 4 })
        .AddPartisanBroadcastHandler<IReplicatedKeyValue>());
    return builder.Build();
}

// An Orleans client of the three silos (its gateways come from the seeds' table) that is an overlay node: the silos dial it
// back on a loopback port the OS chooses, and it handles the key-value broadcasts with a plain object.
static IHost StartClient(string[] seeds)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime", LogLevel.Error);
    builder.UseOrleansClient(client => client
        .Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("cluster-tour", "cluster-tour"))
        .UsePartisanClustering(o => o.Seeds = [.. seeds])
        .AddPartisan(o =>
        {
            o.ListenAddress = IPAddress.Loopback; // where the silos dial the client back
            o.Channels["bulk"] = new ChannelOptions { Parallelism = 4 }; // the silos' channels
        })
        .AddPartisanBroadcastHandler<IReplicatedKeyValue, KeyValueOnClient>());
    return builder.Build();
}

static IPartisan Partisan(IHost silo) => silo.Services.GetRequiredService<IPartisan>();

static Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    => WaitForAsync(() => Task.FromResult(condition()), cancellationToken);

static async Task WaitForAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
{
    while (!await condition())
    {
        await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
    }
}

// Free loopback ports for the silos to bind later, chosen from 20000-29999: below the range the OS hands out for port 0
// and for outbound connections (Linux, macOS and Windows alike), so no connection of another program can take one
// between this check and the silo's bind, as it can a port the OS picked and this process released.
static int FreePort() => FreePorts(1);

// A free port whose next one is free too: a seed's consensus port, and its table-service port beside it.
static int FreePortPair() => FreePorts(2);

static int FreePorts(int count)
{
    for (var attempt = 0; attempt < 500; attempt++)
    {
        var first = Random.Shared.Next(20000, 30000 - count);
        var ports = Enumerable.Range(first, count).ToList();
        lock (GivenPorts.Taken)
        {
            if (ports.All(p => !GivenPorts.Taken.Contains(p) && IsFree(p)))
            {
                GivenPorts.Taken.UnionWith(ports);
                return first;
            }
        }
    }

    throw new InvalidOperationException($"No {count} consecutive free loopback ports in 20000-29999.");
}

static bool IsFree(int port)
{
    try
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return true;
    }
    catch (SocketException)
    {
        return false;
    }
}

static void Section(string title) => Console.WriteLine($"{Environment.NewLine}== {title}");

// The ports handed out in this process, so that no two silos get the same one before either has bound it.
static class GivenPorts
{
    public static readonly HashSet<int> Taken = [];
}
