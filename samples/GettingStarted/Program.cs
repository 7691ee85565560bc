// A silo with the Partisan overlay. It greets every silo it sees come up (nodeup) and prints
// the greetings it receives. Run two on one host, each with its own ports.
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Orleans.Partisan;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime", LogLevel.Error); // quiet start-up

// Settings from the command line (--SiloPort 11112 ...), else the first silo's. Each silo on a host
// needs its own silo and gateway ports; a seed also listens on its consensus port and the next one.
var settings = builder.Configuration;
var siloPort = settings.GetValue("SiloPort", 11111);
var gatewayPort = settings.GetValue("GatewayPort", 30000);
var seeds = (settings["Seeds"] ?? "127.0.0.1:11200").Split(','); // the same on every silo
var consensusEndpoint = settings["ConsensusEndpoint"];           // on a seed: its own entry in Seeds

// Added before UseOrleans, so it starts before the silo: it listens before any silo can greet it.
builder.Services.AddHostedService<Greeter>();
builder.UseOrleans(silo => silo
    .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort) // this host only; else its address
    .UsePartisanClustering(o =>
    {
        o.Seeds = seeds;                         // storage-free: the seeds hold the membership table
        o.ConsensusEndpoint = consensusEndpoint; // null on a silo that is not a seed
    })
    .AddPartisan());

await builder.Build().RunAsync();

// The message: any type Orleans can serialize.
[GenerateSerializer, Alias("GettingStarted.Hello")]
public sealed record Hello([property: Id(0)] string Text);

// Greets each silo that comes up, and prints what it is sent.
public sealed class Greeter(IPartisan partisan) : IHostedService
{
    private IDisposable? _inbox;
    private NodeEventSubscriber? _monitor;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _inbox = partisan.RegisterReceiver("greeter", m => Console.WriteLine($"{m.From} says: {((Hello)m.Message).Text}"));
        _monitor = NodeEventSubscriber.Callback(e =>
        {
            Console.WriteLine(e); // nodeup <node>, nodedown <node> (<reason>)
            if (e.Kind == NodeEventKind.Up)
            {
                _ = GreetAsync(e.Node); // a callback must not block: send on the side
            }
        });
        partisan.MonitorNodes(true, _monitor, new MonitorNodesOptions { IncludeReason = true });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        partisan.MonitorNodes(false, _monitor!);
        _inbox?.Dispose();
        return Task.CompletedTask;
    }

    private async Task GreetAsync(NodeName node)
    {
        try
        {
            await partisan.ForwardMessageAsync(node, PartisanTarget.Named("greeter"), new Hello($"hello, {node}"));
        }
        catch (PartisanException e) // for example, the node went down again
        {
            Console.WriteLine($"could not greet {node}: {e.Message}");
        }
    }
}
