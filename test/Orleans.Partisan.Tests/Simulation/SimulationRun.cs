using Orleans.Partisan.Protocols;
using Orleans.Partisan.Simulation;
using Xunit.Abstractions;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>Runs a simulation test with its seed printed, and printed again with the way to replay it on failure.</summary>
internal static class SimulationRun
{
    /// <summary>Runs <paramref name="body"/> with <paramref name="seed"/> (or <c>PARTISAN_SIM_SEED</c>).</summary>
    public static void WithSeed(ITestOutputHelper output, int seed, Action<int> body)
        => SimulationSeeds.Run(seed, output.WriteLine, body);

    /// <summary>A simulation of <see cref="ProbeCore"/>s with <paramref name="count"/> nodes.</summary>
    public static Simulator Probes(int count, SimulationOptions options)
    {
        var simulation = new Simulator(options, static (spec, _) => new ProbeCore(spec));
        simulation.AddNodes(count);
        return simulation;
    }

    /// <summary>The probe core of node <paramref name="index"/>.</summary>
    public static ProbeCore Probe(this Simulator simulation, int index) => simulation[index].CoreAs<ProbeCore>();

    /// <summary>Makes node <paramref name="from"/> carry out <paramref name="effects"/> now.</summary>
    public static void Do(this Simulator simulation, int from, params PeerServiceEffect[] effects)
        => simulation.Execute(from, _ => effects);

    /// <summary>A send of <see cref="Probe"/> <paramref name="number"/> to node <paramref name="to"/>.</summary>
    public static SendEffect SendProbe(this Simulator simulation, int to, int number) => new(simulation[to].Name, new Probe(number));

    /// <summary>A connect to node <paramref name="to"/>.</summary>
    public static ConnectEffect ConnectTo(this Simulator simulation, int to) => new(simulation[to].Spec);

    /// <summary>Opens <paramref name="from"/>→<paramref name="to"/> and runs until it is up.</summary>
    public static void OpenLink(this Simulator simulation, int from, int to)
    {
        simulation.Do(from, simulation.ConnectTo(to));
        simulation.RunUntilQuiescent();
        Assert.True(simulation.IsConnected(from, to), $"{from}->{to} did not open (seed={simulation.Seed})");
    }
}
