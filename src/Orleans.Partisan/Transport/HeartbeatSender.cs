namespace Orleans.Partisan.Transport;

/// <summary>
/// The acceptor's half of the connection heartbeat: writes a <see cref="HeartbeatFrame"/> on an accepted connection
/// every interval its dialler asked for (<see cref="Hello.HeartbeatInterval"/>), from a timer of its own.
/// </summary>
/// <remarks>
/// The heartbeat does not wait for the connection's receive loop, which may be busy delivering a large frame or
/// running a slow receiver: what the dialler learns from it is that this process runs and the connection carries
/// bytes, not that its messages were handled. A heartbeat whose write has not completed when the next one is due
/// (the dialler does not read) is not followed by another until it does. A write that fails is left to the receive
/// loop, which sees the connection fail too.
/// </remarks>
internal sealed class HeartbeatSender : IDisposable
{
    private readonly Stream _stream;
    private readonly ITimer _timer;
    private int _writing;

    /// <summary>Starts sending on <paramref name="stream"/> every <paramref name="interval"/> of <paramref name="time"/>.</summary>
    public HeartbeatSender(Stream stream, TimeSpan interval, TimeProvider time)
    {
        _stream = stream;
        _timer = time.CreateTimer(static state => ((HeartbeatSender)state!).Beat(), this, interval, interval);
    }

    /// <summary>Stops sending.</summary>
    public void Dispose() => _timer.Dispose();

    private void Beat()
    {
        if (Interlocked.Exchange(ref _writing, 1) == 0)
        {
            _ = WriteAsync();
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            await _stream.WriteAsync(HeartbeatFrame.Bytes);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The connection is closing; its receive loop reports why.
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }
}
