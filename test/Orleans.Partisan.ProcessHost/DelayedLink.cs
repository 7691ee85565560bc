using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// Two network namespaces, <see cref="NamespaceA"/> and <see cref="NamespaceB"/>, joined by a link with a set one-way
/// delay in each direction, for the benchmark's parallelism experiment (Partisan's: two nodes, 1 ms or 20 ms of added
/// round-trip time). The kernel here has no <c>netem</c> qdisc, so the link is a delay line in this process: each
/// namespace has a TUN device with the namespace's address, and every IP packet one side sends is read here, held for
/// <see cref="OneWayDelay"/> and written into the other side (FIFO, like netem's delay without jitter; at most
/// <see cref="PacketLimit"/> packets held per direction, beyond which packets are dropped and counted, as netem's
/// <c>limit</c>). TCP runs end to end between the namespaces, so its windows, slow start and retransmissions are the
/// kernel's own. Needs root (CAP_NET_ADMIN) and <c>/dev/net/tun</c>; everything is removed on dispose, and
/// <see cref="RemoveLeftovers"/> removes what a crashed run left.
/// </summary>
public sealed class DelayedLink : IDisposable
{
    /// <summary>The TUN devices' MTU: loopback's size (less one), as in Partisan's experiment on loopback.</summary>
    public const int Mtu = 65535;

    /// <summary>Packets held per direction at most, as netem's default <c>limit</c>.</summary>
    public const int PacketLimit = 1000;

    private const int TunSetInterface = 0x400454ca;
    private const short TunMode = 0x0001;
    private const short NoPacketInformation = 0x1000;
    private const int ReadWrite = 2;
    private const int NonBlocking = 0x800;
    private const short PollIn = 0x1;
    private const int TryAgain = 11;

    private readonly string _prefix;
    private readonly List<int> _descriptors = [];
    private readonly List<Thread> _threads = [];
    private readonly Direction[] _directions = new Direction[2];
    private volatile bool _stopping;
    private long _delayTicks;

    private DelayedLink(string prefix, TimeSpan oneWayDelay)
    {
        _prefix = prefix;
        OneWayDelay = oneWayDelay;
    }

    /// <summary>The first namespace's name.</summary>
    public string NamespaceA => _prefix + "-a";

    /// <summary>The second namespace's name.</summary>
    public string NamespaceB => _prefix + "-b";

    /// <summary>The first namespace's address (on its TUN device).</summary>
    public string AddressA { get; private set; } = "";

    /// <summary>The second namespace's address.</summary>
    public string AddressB { get; private set; } = "";

    /// <summary>The delay every packet gets in each direction (half the round-trip time added); may be changed while the link runs.</summary>
    public TimeSpan OneWayDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>Packets carried so far, both directions.</summary>
    public long Forwarded => _directions.Sum(d => d?.Forwarded ?? 0);

    /// <summary>Packets dropped so far because <see cref="PacketLimit"/> were held, both directions.</summary>
    public long Dropped => _directions.Sum(d => d?.Dropped ?? 0);

    /// <summary>
    /// Creates the namespaces <c>{prefix}-a</c> and <c>{prefix}-b</c> with addresses <c>{subnet}.1</c> and <c>{subnet}.2</c>
    /// (a /24 of the caller's, e.g. <c>10.211.0</c>) and starts carrying packets with <paramref name="oneWayDelay"/>.
    /// <paramref name="prefix"/> names the TUN devices too, so it is at most 13 characters.
    /// </summary>
    public static DelayedLink Start(string prefix, string subnet, TimeSpan oneWayDelay)
    {
        if (prefix.Length > 13)
        {
            throw new ArgumentException("The prefix names network devices (at most 15 characters with a digit after it), so it is at most 13 characters.", nameof(prefix));
        }

        RemoveLeftovers(prefix);
        var link = new DelayedLink(prefix, oneWayDelay) { AddressA = subnet + ".1", AddressB = subnet + ".2" };
        try
        {
            var a = link.OpenTun(prefix + "0");
            var b = link.OpenTun(prefix + "1");
            link.Configure(link.NamespaceA, prefix + "0", link.AddressA);
            link.Configure(link.NamespaceB, prefix + "1", link.AddressB);
            link._directions[0] = new Direction(a, b);
            link._directions[1] = new Direction(b, a);
            foreach (var direction in link._directions)
            {
                link.StartThread($"{prefix} read {direction.From}", () => link.Read(direction));
                link.StartThread($"{prefix} write {direction.To}", () => link.Write(direction));
            }

            return link;
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the namespaces a link with <paramref name="prefix"/> created, if a run that crashed left them (its TUN devices went with its process).</summary>
    public static void RemoveLeftovers(string prefix)
    {
        Run("ip", $"netns del {prefix}-a");
        Run("ip", $"netns del {prefix}-b");
    }

    /// <summary>
    /// Packets the kernel dropped in front of the delay line, both directions: a TUN device's queue (<see cref="PacketLimit"/>
    /// packets) overflows when this process does not read it in time, as on a machine whose cores are all busy.
    /// </summary>
    public long DeviceDrops() => DeviceDrops(NamespaceA, _prefix + "0") + DeviceDrops(NamespaceB, _prefix + "1");

    /// <summary>TCP segments retransmitted so far inside namespace <paramref name="ns"/> (<c>RetransSegs</c> of <c>/proc/net/snmp</c>).</summary>
    public static long RetransmittedSegments(string ns)
    {
        var lines = Exec(ns, "cat /proc/net/snmp").Split('\n').Where(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).ToArray();
        var names = lines[0].Split(' ');
        var values = lines[1].Split(' ');
        return long.Parse(values[Array.IndexOf(names, "RetransSegs")], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="command"/> inside namespace <paramref name="ns"/> and returns its standard output (for a setting such as a sysctl).</summary>
    public static string Exec(string ns, string command) => Run("ip", $"netns exec {ns} {command}") is { ExitCode: 0 } result
        ? result.Output.Trim()
        : throw new InvalidOperationException($"`ip netns exec {ns} {command}` failed.");

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping = true;
        foreach (var direction in _directions)
        {
            direction?.Wake();
        }

        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        foreach (var descriptor in _descriptors)
        {
            Close(descriptor);
        }

        RemoveLeftovers(_prefix);
    }

    private static long DeviceDrops(string ns, string device)
        => long.Parse(Exec(ns, $"cat /sys/class/net/{device}/statistics/tx_dropped"), System.Globalization.CultureInfo.InvariantCulture);

    private int OpenTun(string name)
    {
        var descriptor = Open("/dev/net/tun", ReadWrite | NonBlocking);
        if (descriptor < 0)
        {
            throw new InvalidOperationException($"Could not open /dev/net/tun (errno {Marshal.GetLastPInvokeError()}); the delayed link needs root and the tun driver.");
        }

        _descriptors.Add(descriptor);
        var request = new byte[40]; // struct ifreq: the name, then the flags
        System.Text.Encoding.ASCII.GetBytes(name, request);
        BitConverter.TryWriteBytes(request.AsSpan(16), (short)(TunMode | NoPacketInformation));
        if (Ioctl(descriptor, TunSetInterface, request) < 0)
        {
            throw new InvalidOperationException($"TUNSETIFF {name} failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        return descriptor;
    }

    private void Configure(string ns, string device, string address)
    {
        Ip($"netns add {ns}");
        Ip($"link set {device} netns {ns}");
        Ip($"netns exec {ns} ip addr add {address}/24 dev {device}");
        Ip($"netns exec {ns} ip link set {device} mtu {Mtu} txqueuelen {PacketLimit} up");
        Ip($"netns exec {ns} ip link set lo up");
    }

    private void StartThread(string name, Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
        _threads.Add(thread);
        thread.Start();
    }

    /// <summary>Reads packets as they come and stamps each with the time it is due on the other side.</summary>
    private void Read(Direction direction)
    {
        var poll = new PollDescriptor { Descriptor = direction.From, Events = PollIn };
        while (!_stopping)
        {
            if (Poll(ref poll, 1, 100) <= 0)
            {
                continue;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Mtu);
            var length = ReadPacket(direction.From, buffer, buffer.Length);
            if (length <= 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                if (length < 0 && Marshal.GetLastPInvokeError() != TryAgain)
                {
                    return; // the device is gone: the link is being removed
                }

                continue;
            }

            direction.Enqueue(new Packet(buffer, (int)length, Stopwatch.GetTimestamp() + (long)(OneWayDelay.TotalSeconds * Stopwatch.Frequency)));
        }
    }

    /// <summary>Writes each packet into the other side once it is due, in the order read.</summary>
    private void Write(Direction direction)
    {
        while (!_stopping)
        {
            if (direction.Take() is not { } packet)
            {
                continue;
            }

            var wait = packet.Due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                var nanoseconds = wait * 1_000_000_000 / Stopwatch.Frequency;
                var time = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
                Sleep(ref time, IntPtr.Zero);
            }

            WritePacket(direction.To, packet.Buffer, packet.Length);
            ArrayPool<byte>.Shared.Return(packet.Buffer);
            direction.Delivered();
        }
    }

    private static void Ip(string arguments)
    {
        if (Run("ip", arguments) is { ExitCode: not 0 } result)
        {
            throw new InvalidOperationException($"`ip {arguments}` failed: {result.Error.Trim()}. The delayed link needs root (CAP_NET_ADMIN).");
        }
    }

    private static (int ExitCode, string Output, string Error) Run(string program, string arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var part in arguments.Split(' '))
        {
            start.ArgumentList.Add(part);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            return (-1, output, "timed out after 10 s");
        }

        return (process.ExitCode, output, error.Result);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int descriptor, ulong request, byte[] argument);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint ReadPacket(int descriptor, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint WritePacket(int descriptor, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int Poll(ref PollDescriptor descriptors, ulong count, int milliseconds);

    [DllImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static extern int Sleep(ref TimeSpec time, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short Returned;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private readonly record struct Packet(byte[] Buffer, int Length, long Due);

    /// <summary>One direction of the link: packets read from <see cref="From"/>, held, written to <see cref="To"/>.</summary>
    private sealed class Direction(int from, int to)
    {
        private readonly Queue<Packet> _held = new();
        private long _forwarded;
        private long _dropped;

        public long Forwarded => Interlocked.Read(ref _forwarded);

        public long Dropped => Interlocked.Read(ref _dropped);

        public int From { get; } = from;

        public int To { get; } = to;

        public void Enqueue(Packet packet)
        {
            lock (_held)
            {
                if (_held.Count >= PacketLimit)
                {
                    Interlocked.Increment(ref _dropped);
                    ArrayPool<byte>.Shared.Return(packet.Buffer);
                    return;
                }

                _held.Enqueue(packet);
                Monitor.Pulse(_held);
            }
        }

        /// <summary>The oldest packet held, waiting up to 100 ms for one.</summary>
        public Packet? Take()
        {
            lock (_held)
            {
                if (_held.Count == 0)
                {
                    Monitor.Wait(_held, 100);
                }

                return _held.TryDequeue(out var packet) ? packet : null;
            }
        }

        public void Delivered() => Interlocked.Increment(ref _forwarded);

        public void Wake()
        {
            lock (_held)
            {
                Monitor.PulseAll(_held);
            }
        }
    }
}
