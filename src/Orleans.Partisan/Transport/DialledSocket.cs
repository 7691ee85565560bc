using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Partisan.Transport;

/// <summary>A connected socket whose acceptor's hello was read and accepted.</summary>
/// <param name="Socket">The socket.</param>
/// <param name="Stream">The stream over it (owns it): the socket's, or TLS over it.</param>
/// <param name="Reader">The reader over the stream, holding anything read past the hello.</param>
/// <param name="Hello">The acceptor's hello.</param>
/// <param name="RemoteEndPoint">Where it was dialled.</param>
internal sealed record DialledSocket(Socket Socket, Stream Stream, PipeReader Reader, Hello Hello, IPEndPoint RemoteEndPoint)
{
    /// <summary>Closes it.</summary>
    public async ValueTask CloseAsync()
    {
        await Reader.CompleteAsync();
        await Stream.DisposeAsync();
    }
}
