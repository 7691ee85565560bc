using System.Net;
using System.Net.Sockets;

namespace Orleans.Partisan.Tests.Shared;

/// <summary>
/// Loopback TCP ports for a test to bind later than it chooses them (a seed restarted on its old ports, a silo
/// process started with its ports on the command line), safe against every other test process on the machine.
/// One source file, linked into each test project that needs it (<c>test/Shared/SafePorts.cs</c>).
/// </summary>
/// <remarks>
/// <para>
/// A port the OS picks for a bind to port 0 lies in its ephemeral range; once released, any outbound connection
/// (of this test, or of a test assembly running beside it) may take it as its local port before the test binds
/// it again, and the bind fails with "Address already in use" (a restarted seed failed that way in CI). A loopback
/// connect to a free ephemeral port can even connect to itself. So the ports here come from outside the OS's
/// ephemeral range (read from <c>/proc/sys/net/ipv4/ip_local_port_range</c>), from 20000 up: the OS never hands
/// those out by itself, only an explicit bind takes them.
/// </para>
/// <para>
/// Explicit binds are what the other test processes do, so each port handed out is reserved across processes by
/// an exclusive lock on a file per port (<c>{temp}/orleans-partisan-test-ports-{user}/{port}.lock</c>, opened
/// with <see cref="FileShare.None"/>, which .NET takes as a non-blocking <c>flock</c>). The lock is held until the
/// process exits, so a port is never handed out twice in this process, and no other test process can take it
/// while this one may still bind it; the OS drops the lock when the process ends, however it ends, so a killed
/// test run leaves nothing reserved. Every port is also checked free by binding it (on every address) before it
/// is handed out, which skips ports some other program holds.
/// </para>
/// <para>
/// Prefer letting the component bind port 0 and reading the bound port back whenever the test does not need
/// the port before the bind: that has no race at all. A port-0 socket kept bound needs none of this.
/// </para>
/// </remarks>
internal static class SafePorts
{
    /// <summary>The lowest port handed out (above the well-known and most registered ones services use).</summary>
    private const int LowestPort = 20000;

    /// <summary>How many blocks of ports one call tries before it gives up.</summary>
    private const int MaxAttempts = 500;

    /// <summary>The lock files held, one per port handed out; kept open (and referenced) until the process exits.</summary>
    private static readonly Dictionary<int, FileStream> Held = [];

    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), $"orleans-partisan-test-ports-{Environment.UserName}");

    /// <summary>A free loopback port, reserved for this process.</summary>
    public static int Take() => TakeConsecutive(1);

    /// <summary>A free loopback port whose next port is free too (a seed's consensus and table-service ports, a silo's silo and gateway ports).</summary>
    public static int TakePair() => TakeConsecutive(2);

    /// <summary><paramref name="count"/> port pairs (see <see cref="TakePair"/>); returns the first port of each.</summary>
    public static int[] TakePairs(int count) => [.. Enumerable.Range(0, count).Select(_ => TakePair())];

    /// <summary>The first of <paramref name="count"/> consecutive free loopback ports, all reserved for this process.</summary>
    public static int TakeConsecutive(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var ranges = SafeRanges(count);
        if (ranges.Count == 0)
        {
            throw new InvalidOperationException($"No room for {count} consecutive ports outside the OS's ephemeral range {EphemeralRange()} from {LowestPort} up.");
        }

        lock (Held)
        {
            Directory.CreateDirectory(LockDirectory);
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var (low, high) = ranges[Random.Shared.Next(ranges.Count)];
                var first = Random.Shared.Next(low, high + 1);
                if (TryReserve(first, count))
                {
                    return first;
                }
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free loopback ports outside the OS's ephemeral range {EphemeralRange()} in {MaxAttempts} attempts.");
    }

    /// <summary>Locks the files of ports <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 and checks them free; all or none stay reserved.</summary>
    private static bool TryReserve(int first, int count)
    {
        var locks = new List<(int Port, FileStream File)>();
        try
        {
            for (var port = first; port < first + count; port++)
            {
                if (Held.ContainsKey(port) || TryLock(port) is not { } file)
                {
                    return false;
                }

                locks.Add((port, file));
            }

            if (!AllFree(first, count))
            {
                return false;
            }

            foreach (var (port, file) in locks)
            {
                Held.Add(port, file);
            }

            locks.Clear();
            return true;
        }
        finally
        {
            foreach (var (_, file) in locks)
            {
                file.Dispose();
            }
        }
    }

    /// <summary>The exclusive lock on <paramref name="port"/>'s file, or <see langword="null"/> when another process holds it.</summary>
    private static FileStream? TryLock(int port)
    {
        try
        {
            return new FileStream(Path.Combine(LockDirectory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether every port of the block can be bound now, on every IPv4 address (so on loopback too).</summary>
    private static bool AllFree(int first, int count)
    {
        var held = new List<Socket>();
        try
        {
            for (var port = first; port < first + count; port++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Any, port));
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            held.ForEach(socket => socket.Dispose());
        }
    }

    /// <summary>The ranges (inclusive) a block of <paramref name="count"/> may start in: from 20000 to below the ephemeral range, and above it.</summary>
    private static List<(int Low, int High)> SafeRanges(int count)
    {
        var (start, end) = EphemeralRange();
        var ranges = new List<(int Low, int High)>();
        if (start - count >= LowestPort)
        {
            ranges.Add((LowestPort, start - count));
        }

        if (65535 - count + 1 >= Math.Max(end + 1, LowestPort))
        {
            ranges.Add((Math.Max(end + 1, LowestPort), 65535 - count + 1));
        }

        return ranges;
    }

    /// <summary>The OS's ephemeral port range, inclusive; when it cannot be read, one that covers both Linux's default and the IANA range other systems use.</summary>
    private static (int Start, int End) EphemeralRange()
    {
        const string file = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(file))
        {
            var parts = File.ReadAllText(file).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], out var start) && int.TryParse(parts[1], out var end))
            {
                return (start, end);
            }
        }

        return (32768, 65535);
    }
}
