using System.Diagnostics;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// One network namespace per silo, each joined to a bridge in this namespace by a veth pair, on a /24 of
/// its own: silo i has address 10.x.y.(i + 1), this process 10.x.y.254. Cutting a silo off takes its
/// link down (nothing it sends or is sent arrives, as in a real partition); healing brings it up.
/// Needs root (CAP_NET_ADMIN) and the <c>ip</c> command; everything is removed on dispose.
/// </summary>
internal sealed class NetworkNamespaces : IDisposable
{
    private readonly string _id;
    private readonly string _subnet;
    private readonly int _count;

    public NetworkNamespaces(int count)
    {
        // Short, per-process names (interface names are at most 15 characters) and a subnet of their own.
        var pid = Environment.ProcessId;
        _id = (pid % 100000).ToString();
        _subnet = $"10.{100 + (pid % 100)}.{pid / 100 % 250}";
        _count = count;
        try
        {
            Ip($"link add {Bridge} type bridge");
            Ip($"addr add {_subnet}.254/24 dev {Bridge}");
            Ip($"link set {Bridge} up");
            for (var i = 0; i < count; i++)
            {
                Ip($"netns add {Namespace(i)}");
                Ip($"link add {HostSide(i)} type veth peer name {InnerSide(i)}");
                Ip($"link set {InnerSide(i)} netns {Namespace(i)}");
                Ip($"link set {HostSide(i)} master {Bridge}");
                Ip($"link set {HostSide(i)} up");
                Ip($"netns exec {Namespace(i)} ip addr add {Address(i)}/24 dev {InnerSide(i)}");
                Ip($"netns exec {Namespace(i)} ip link set {InnerSide(i)} up");
                Ip($"netns exec {Namespace(i)} ip link set lo up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private string Bridge => $"ptb{_id}";

    public string Namespace(int i) => $"ptn{_id}-{i}";

    public string Address(int i) => $"{_subnet}.{i + 1}";

    /// <summary>Takes silo <paramref name="i"/>'s link down: it can reach nobody and nobody can reach it.</summary>
    public void Cut(int i) => Ip($"link set {HostSide(i)} down");

    /// <summary>Brings silo <paramref name="i"/>'s link up again.</summary>
    public void Heal(int i) => Ip($"link set {HostSide(i)} up");

    public void Dispose()
    {
        for (var i = 0; i < _count; i++)
        {
            // Deleting one end of a veth pair deletes both, even while the namespace lingers.
            TryIp($"link del {HostSide(i)}");
            TryIp($"netns del {Namespace(i)}");
        }

        TryIp($"link del {Bridge}");
    }

    private string HostSide(int i) => $"pth{_id}x{i}";

    private string InnerSide(int i) => $"pti{_id}x{i}";

    private static void Ip(string arguments)
    {
        if (Run(arguments) is { } error)
        {
            throw new InvalidOperationException($"`ip {arguments}` failed: {error}. The partition tests need root (CAP_NET_ADMIN) to create network namespaces.");
        }
    }

    private static void TryIp(string arguments) => Run(arguments);

    private static string? Run(string arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var part in arguments.Split(' '))
        {
            start.ArgumentList.Add(part);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            return "timed out after 10 s";
        }

        return process.ExitCode == 0 ? null : error.Trim();
    }
}
