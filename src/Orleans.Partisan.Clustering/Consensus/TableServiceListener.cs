using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Partisan.Clustering.TableService;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// A seed's table service: accepts TCP connections and answers each framed <see cref="TableRequest"/> with a
/// <see cref="TableResponse"/>, in order per connection. A malformed frame (longer than
/// <see cref="Frames.MaxRequestLength"/>, or one <see cref="FrameDecoder"/> refuses) closes that connection
/// only, logged (6003). With <paramref name="tls"/>, a connection is authenticated as a TLS server first (within
/// <paramref name="handshakeTimeout"/>); a refused one is logged with the reason and closed.
/// </summary>
internal sealed class TableServiceListener(IPEndPoint endPoint, SeedNode seed, Serializer serializer, ILogger logger, PartisanTlsOptions? tls, TimeSpan handshakeTimeout) : IAsyncDisposable
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
        if (tls is null && await OpensTlsAsync(socket).ConfigureAwait(false))
        {
            ConsensusLog.TableServiceTlsRefused(logger, remote, "the client opened a TLS handshake, and TLS is off on this seed (UsePartisanTls)");
            socket.Dispose();
            return;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (tls is not null)
        {
            if (await AuthenticateAsync(stream, tls, remote).ConfigureAwait(false) is not { } secured)
            {
                return;
            }

            stream = secured;
        }

        await using (stream.ConfigureAwait(false))
        {
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
    }

    /// <summary>
    /// Whether a plaintext connection starts with a TLS handshake record (type 22, version 3.1 to 3.4), peeked without
    /// consuming it. As a request frame's length those bytes would say 16 MiB or more, which no table request is.
    /// </summary>
    private async Task<bool> OpensTlsAsync(Socket socket)
    {
        var start = new byte[3];
        try
        {
            var read = await socket.ReceiveAsync(start, SocketFlags.Peek, _stopping.Token).ConfigureAwait(false);
            return read == start.Length && start[0] == 0x16 && start[1] == 0x03 && start[2] is >= 0x01 and <= 0x04;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Authenticates as the TLS server of <paramref name="remote"/>; <see langword="null"/> (logged) when refused.</summary>
    private async Task<SslStream?> AuthenticateAsync(Stream inner, PartisanTlsOptions options, EndPoint? remote)
    {
        string? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        bound.CancelAfter(handshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(options.CreateServerAuthenticationOptions(r => refusal = r), bound.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e)
        {
            // Whatever went wrong (a refused certificate, a client without TLS, a timeout), only this connection ends.
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (!_stopping.IsCancellationRequested)
            {
                ConsensusLog.TableServiceTlsRefused(logger, remote, refusal ?? (e is OperationCanceledException
                    ? $"no TLS handshake within {handshakeTimeout}"
                    : $"the TLS handshake failed ({e.Message}); does the client have TLS on (UsePartisanTls)?"));
            }

            return null;
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
