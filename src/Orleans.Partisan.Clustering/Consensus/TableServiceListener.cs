using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// A seed's table service: accepts TCP connections and answers each framed <see cref="TableRequest"/> with a
/// <see cref="TableResponse"/>, in order per connection. A malformed frame (longer than
/// <see cref="Frames.MaxRequestLength"/>, or one <see cref="FrameDecoder"/> refuses) closes that connection
/// only, logged (6003).
/// </summary>
internal sealed class TableServiceListener(IPEndPoint endPoint, SeedNode seed, Serializer serializer, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly TcpListener _listener = new(endPoint);
    private Task? _acceptLoop;

    /// <summary>Binds the endpoint and starts accepting.</summary>
    public void Start()
    {
        // Connections this seed closed linger in TIME_WAIT on the service port; a seed restarted at once must
        // still be able to bind it.
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }

            socket.NoDelay = true;
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            while (await Frames.ReadAsync(stream, Frames.MaxRequestLength, _stopping.Token).ConfigureAwait(false) is { } frame)
            {
                var request = FrameDecoder.Decode<TableRequest>(serializer, frame);
                var response = await seed.HandleAsync(request, _stopping.Token).ConfigureAwait(false);
                if (response.Status != TableResponseStatus.Ok)
                {
                    ConsensusLog.RequestNotExecuted(logger, request.ToString(), endPoint, response.Status.ToString(), response.Reason);
                }

                await Frames.WriteAsync(stream, serializer.SerializeToArray(response), _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
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
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
