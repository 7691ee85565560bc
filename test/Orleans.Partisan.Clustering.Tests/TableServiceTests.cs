using System.Net;
using System.Net.Sockets;
using Orleans.Partisan.Clustering.TableService;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>The seeds' table service facing bad input.</summary>
public sealed class TableServiceTests
{
    [Fact]
    public async Task GarbageFrame_ClosesThatConnection_ServiceGoesOn()
    {
        await using var group = await SeedGroup.StartAsync();
        var service = new IPEndPoint(IPAddress.Loopback, group.EndPoints[0].Port + 1);
        foreach (var garbage in new[] { new byte[] { 5, 0, 0, 0, 1, 2, 3, 4, 5 }, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F }, "GET / HTTP/1.1\r\n\r\n"u8.ToArray(), DeeplyNested(13_000) })
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(service);
            await socket.SendAsync(garbage);
            var buffer = new byte[16];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
            Assert.True(read == 0, $"expected the seed to close a connection that sent garbage, it answered {read} bytes");
        }

        var table = group.Handle("after-garbage", firstSeed: 0);
        var data = await table.ReadAllAsync(CancellationToken.None);
        Assert.True(await table.InsertRowAsync(Rows.Entry(), data.Version.Next(), CancellationToken.None));
    }

    /// <summary>
    /// A request frame holding <c>object[]</c> inside <c>object[]</c>, <paramref name="depth"/> levels (five bytes a
    /// level; 13,000 fit the 64 KiB a request may have): Orleans' decoder recurses once a level, and 16,000 levels
    /// overflowed a thread-pool thread's stack, which ends the process, when a request could be 64 MiB.
    /// </summary>
    private static byte[] DeeplyNested(int depth)
    {
        var body = new List<byte>(depth * 5);
        for (var i = 0; i < depth; i++)
        {
            body.AddRange([i == 0 ? (byte)0x28 : (byte)0x29, 0x2F, 0x00, 0x03]);
        }

        body.AddRange(Enumerable.Repeat((byte)0xE0, depth));
        return [.. BitConverter.GetBytes(body.Count), .. body];
    }

    [Fact]
    public async Task Follower_AnswersNotLeader_NamingTheLeadersTableService()
    {
        await using var group = await SeedGroup.StartAsync();
        var leader = await group.LeaderAsync();
        var follower = (leader + 1) % 3;
        await Eventually.Until(
            () => Task.FromResult(group.Nodes[follower]!.Leader is not null),
            TimeSpan.FromSeconds(10),
            () => $"seed {follower} to learn the leader");

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, group.EndPoints[follower].Port + 1));
        await using var stream = new NetworkStream(socket);
        var request = new TableRequest { Kind = TableRequestKind.ReadAll, ClusterId = "redirect" };
        await Frames.WriteAsync(stream, SeedGroup.Serializer.SerializeToArray(request), CancellationToken.None);
        var response = SeedGroup.Serializer.Deserialize<TableResponse>((await Frames.ReadAsync(stream, Frames.MaxFrameLength, CancellationToken.None))!);

        Assert.NotNull(response);
        Assert.Equal(TableResponseStatus.NotLeader, response.Status);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, group.EndPoints[leader].Port + 1).ToString(), response.LeaderHint);
    }
}
