using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>
/// The table's failure names each seed's last answer. An attempt the request's deadline cut short says nothing about the
/// seed and must not replace why it failed before (CI once saw a TLS refusal replaced by "no answer in time").
/// </summary>
public sealed class SeedClientLastAnswerTests
{
    [Fact]
    public async Task An_attempt_cut_short_by_the_deadline_keeps_the_seeds_earlier_answer()
    {
        // A seed that reads the first request and closes its connection without answering, then accepts every later one and stays silent.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var servicePort = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var held = new System.Collections.Concurrent.ConcurrentQueue<Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            var first = true;
            while (!stop.IsCancellationRequested && held.Count < 64)
            {
                var connection = await listener.AcceptAsync(stop.Token);
                if (first)
                {
                    // Reads the request (one small frame), then closes: the client reads the end of the stream.
                    first = false;
                    await connection.ReceiveAsync(new byte[4096], SocketFlags.None, stop.Token);
                    connection.Shutdown(SocketShutdown.Both);
                    connection.Dispose();
                }
                else
                {
                    held.Enqueue(connection);
                }
            }
        });

        var options = new PartisanClusteringOptions
        {
            Seeds = [$"127.0.0.1:{servicePort - PartisanClusteringOptions.DefaultServicePortOffset}"],
            LowerElectionTimeout = TimeSpan.FromMilliseconds(500),
            UpperElectionTimeout = TimeSpan.FromSeconds(1),
            // Shorter than one attempt's own bound (4 upper election timeouts, 4 s), so every attempt is cut short by the
            // deadline; long enough for the first exchange to finish on a loaded machine (700 ms was not, once).
            RequestTimeout = TimeSpan.FromSeconds(3),
        };
        var client = new SeedClient(options, SeedGroup.Serializer, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<PartisanClusteringUnavailableException>(
            () => client.SendAsync(new TableRequest { Kind = TableRequestKind.ReadAll, ClusterId = "last-answer" }, CancellationToken.None));

        Assert.True(held.Count >= 1, $"the client tried the seed again after its first answer; {error.Message}");
        Assert.True(error.Message.Contains("the seed closed the connection without answering", StringComparison.Ordinal), $"the seed's first answer is named: {error.Message}");
        Assert.False(error.Message.Contains("no answer in time", StringComparison.Ordinal), $"the attempt cut short is not named: {error.Message}");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
        foreach (var socket in held)
        {
            socket.Dispose();
        }
    }
}
