using System.Net;
using System.Net.Sockets;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>Loopback ports chosen by the OS, in pairs (consensus port p, table-service port p + 1).</summary>
internal static class PortPairs
{
    /// <summary>Returns <paramref name="count"/> consensus ports whose next port was also free; bounded attempts.</summary>
    public static int[] Take(int count)
    {
        var held = new List<Socket>();
        var ports = new List<int>();
        try
        {
            for (var attempt = 0; ports.Count < count && attempt < 200; attempt++)
            {
                var first = Bind(0);
                var port = ((IPEndPoint)first.LocalEndPoint!).Port;
                held.Add(first);
                if (port < 65535 && TryBind(port + 1) is { } second)
                {
                    held.Add(second);
                    ports.Add(port);
                }
            }
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }

        Assert.True(ports.Count == count, $"expected {count} free loopback port pairs, found {ports.Count}");
        return [.. ports];
    }

    private static Socket Bind(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static Socket? TryBind(int port)
    {
        try
        {
            return Bind(port);
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
