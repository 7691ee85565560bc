using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// A seed's table service: accepts TCP connections and answers each framed <see cref="TableRequest"/> with a
/// <see cref="TableResponse"/>, in order per connection. A malformed frame closes that connection only.
/// </summary>
internal sealed class TableServiceListener(IPEndPoint endPoint, SeedNode seed, Serializer serializer, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> connections = [];
    private readonly TcpListener listener = new(endPoint);
    private Task? acceptLoop;

    /// <summary>Binds the endpoint and starts accepting.</summary>
    public void Start()
    {
        // Connections this seed closed linger in TIME_WAIT on the service port; a seed restarted at once must
        // still be able to bind it.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && stopping.IsCancellationRequested)
            {
                return;
            }

            socket.NoDelay = true;
            lock (connections)
            {
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            while (await Frames.ReadAsync(stream, stopping.Token).ConfigureAwait(false) is { } frame)
            {
                var request = serializer.Deserialize<TableRequest>(frame)
                    ?? throw new InvalidDataException("The frame holds no table request.");
                var response = await seed.HandleAsync(request, stopping.Token).ConfigureAwait(false);
                if (response.Status != TableResponseStatus.Ok)
                {
                    ConsensusLog.RequestNotExecuted(logger, request.ToString(), endPoint, response.Status.ToString(), response.Reason);
                }

                await Frames.WriteAsync(stream, serializer.SerializeToArray(response), stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Malformed input, a broken connection or a failure while the seed stops: this connection ends, the
            // client tries again (here or at another seed), the service goes on.
            ConsensusLog.ConnectionDropped(logger, remote, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Stops accepting, closes every connection and waits for their handlers.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        if (acceptLoop is not null)
        {
            await acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Task[] open;
        lock (connections)
        {
            open = [.. connections];
        }

        await Task.WhenAll(open).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }
}
