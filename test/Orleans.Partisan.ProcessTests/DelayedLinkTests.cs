using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Orleans.Partisan.ProcessHost;

namespace Orleans.Partisan.ProcessTests;

/// <summary>
/// The benchmark's delayed link between two network namespaces (needs root, as the partition tests): TCP between them
/// works, carries data intact, sees the set delay in each direction, and nothing is left once the link is disposed.
/// </summary>
public sealed class DelayedLinkTests
{
    private const int NewNetworkNamespace = 0x40000000;

    [Fact]
    public async Task Tcp_between_the_namespaces_carries_data_intact_with_the_set_delay_and_dispose_removes_the_namespaces()
    {
        var pid = Environment.ProcessId;
        var prefix = $"ptdl{pid % 100000}";
        var oneWay = TimeSpan.FromMilliseconds(250); // long enough that a loaded machine without the delay never takes as long
        string a, b;
        using (var link = DelayedLink.Start(prefix, $"10.212.{pid % 250}", oneWay))
        {
            (a, b) = (link.NamespaceA, link.NamespaceB);
            using var listener = InNamespace(b, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            listener.Bind(new IPEndPoint(IPAddress.Parse(link.AddressB), 0));
            listener.Listen();
            using var client = InNamespace(a, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

            // The handshake's SYN and SYN-ACK each cross the link once.
            var accepting = listener.AcceptAsync(timeout.Token).AsTask();
            var watch = Stopwatch.StartNew();
            await client.ConnectAsync(listener.LocalEndPoint!, timeout.Token);
            var connectTime = watch.Elapsed;
            using var server = await accepting;
            Assert.True(connectTime >= 2 * oneWay, $"The TCP handshake took {connectTime.TotalMilliseconds:0.0} ms; the link should add at least {2 * oneWay.TotalMilliseconds} ms.");

            // 1 MiB one way, echoed in full the other way: every byte arrives, in order.
            var data = new byte[1024 * 1024];
            new Random(14).NextBytes(data);
            var echo = Task.Run(async () =>
            {
                var received = new byte[data.Length];
                for (var read = 0; read < received.Length;)
                {
                    var n = await server.ReceiveAsync(received.AsMemory(read), timeout.Token);
                    Assert.True(n > 0, $"The connection closed after {read} of {received.Length} bytes.");
                    read += n;
                }

                await server.SendAsync(received, timeout.Token);
            });
            await client.SendAsync(data, timeout.Token);
            var back = new byte[data.Length];
            for (var read = 0; read < back.Length;)
            {
                var n = await client.ReceiveAsync(back.AsMemory(read), timeout.Token);
                Assert.True(n > 0, $"The echo closed after {read} of {back.Length} bytes.");
                read += n;
            }

            await echo;
            Assert.Equal(data, back);

            // A 1 B round trip: out and back across the link.
            var one = new byte[1];
            watch.Restart();
            await client.SendAsync(one, timeout.Token);
            Assert.Equal(1, await server.ReceiveAsync(one, timeout.Token));
            await server.SendAsync(one, timeout.Token);
            Assert.Equal(1, await client.ReceiveAsync(one, timeout.Token));
            var roundTrip = watch.Elapsed;
            Assert.True(roundTrip >= 2 * oneWay, $"A 1 B round trip took {roundTrip.TotalMilliseconds:0.0} ms; the link should add at least {2 * oneWay.TotalMilliseconds} ms.");
            Assert.True(link.Forwarded > 0, "The link counted no packet carried.");
            Assert.Equal(0, link.Dropped);
        }

        Assert.False(File.Exists("/run/netns/" + a), $"Namespace {a} is still there after dispose.");
        Assert.False(File.Exists("/run/netns/" + b), $"Namespace {b} is still there after dispose.");
    }

    /// <summary>Runs <paramref name="create"/> on a thread of its own that has entered namespace <paramref name="ns"/> (a socket keeps the namespace it was made in).</summary>
    private static T InNamespace<T>(string ns, Func<T> create)
    {
        T? made = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle("/run/netns/" + ns);
                if (SetNamespace((int)handle.DangerousGetHandle(), NewNetworkNamespace) != 0)
                {
                    throw new InvalidOperationException($"setns into {ns} failed (errno {Marshal.GetLastPInvokeError()}).");
                }

                made = create();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? made! : throw new InvalidOperationException($"Could not create in namespace {ns}.", failure);
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNamespace(int descriptor, int type);
}
