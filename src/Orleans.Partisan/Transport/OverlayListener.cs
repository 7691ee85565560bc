using System.Net;
using System.Net.Sockets;

namespace Orleans.Partisan.Transport;

/// <summary>The node's one listening socket and its accept loop.</summary>
internal sealed class OverlayListener : IDisposable
{
    private readonly TransportContext _context;
    private readonly Socket _socket;
    private readonly Action<Socket> _onAccepted;
    private readonly CancellationTokenSource _stopping = new();

    private OverlayListener(TransportContext context, Socket socket, Action<Socket> onAccepted)
    {
        _context = context;
        _socket = socket;
        _onAccepted = onAccepted;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        AcceptLoop = Task.CompletedTask;
    }

    /// <summary>The endpoint actually bound (with the OS-chosen port when port 0 was asked).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The accept loop; completes once the listener is disposed.</summary>
    public Task AcceptLoop { get; private set; }

    /// <summary>Binds <see cref="TransportSettings.ListenEndPoint"/> and starts accepting.</summary>
    public static OverlayListener Start(TransportContext context, Action<Socket> onAccepted)
    {
        var endpoint = context.Settings.ListenEndPoint;
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var listener = new OverlayListener(context, socket, onAccepted);
        listener.AcceptLoop = listener.AcceptLoopAsync();
        return listener;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Cancel();
        _socket.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        await Task.Yield();
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(token);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                TransportLog.AcceptFailed(_context.Logger, exception);
                try
                {
                    // E.g. out of file descriptors: do not spin.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _context.TimeProvider, token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            try
            {
                accepted.NoDelay = true;
                _onAccepted(accepted);
            }
            catch (Exception exception)
            {
                TransportLog.AcceptFailed(_context.Logger, exception);
                accepted.Dispose();
            }
        }
    }
}
