using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Partisan.Transport;

/// <summary>Dials a node and runs the dialler's half of the handshake (inside TLS when <see cref="TransportSettings.Tls"/> is set).</summary>
internal static class Dialler
{
    /// <summary>How a dialled connection reads (the acceptor's hello, then heartbeats): 16 KiB segments, reads of at least 4 KiB.</summary>
    public static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024);

    /// <summary>
    /// Connects to the first of <paramref name="endpoints"/> that answers, reads and checks the acceptor's
    /// hello and, when <paramref name="channel"/> is given, sends this node's hello for that channel and lane.
    /// Bounded by <see cref="TransportSettings.ConnectTimeout"/>.
    /// </summary>
    /// <param name="context">The transport.</param>
    /// <param name="endpoints">Where the node listens, in order of preference.</param>
    /// <param name="expected">The node meant, or null to accept any node of the cluster.</param>
    /// <param name="channel">The channel to announce, or null for a probe (nothing is sent).</param>
    /// <param name="lane">The lane to announce.</param>
    /// <param name="cancellationToken">Cancels the dial.</param>
    /// <exception cref="ConnectionRefusedException">The node there was refused.</exception>
    /// <exception cref="TimeoutException">No connection and handshake within the timeout.</exception>
    public static async Task<DialledSocket> DialAsync(TransportContext context, IReadOnlyList<IPEndPoint> endpoints, NodeName? expected, string? channel, int lane, CancellationToken cancellationToken)
    {
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("The node has no listen address.", nameof(endpoints));
        }

        using var timeout = context.CreateHandshakeTimeout();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Exception? failure = null;
        foreach (var endpoint in endpoints)
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Stream? stream = null;
            PipeReader? reader = null;
            try
            {
                await socket.ConnectAsync(endpoint, linked.Token);
                stream = new NetworkStream(socket, ownsSocket: true);
                if (context.Settings.Tls is { } tls)
                {
                    stream = await TlsHandshake.AuthenticateAsClientAsync(context, tls, stream, endpoint, linked.Token);
                }

                reader = PipeReader.Create(stream, ReaderOptions);
                var hello = await Handshake.ReadHelloAsync(reader, context, Handshake.Outbound, endpoint, linked.Token)
                    ?? throw new IOException(context.Settings.Tls is null
                        ? $"{endpoint} closed the connection before its handshake"
                        : $"{endpoint} closed the TLS connection before its handshake (it may have refused this node's certificate: see its log)");
                Handshake.CheckAcceptorHello(context, hello, endpoint, expected, channel);
                if (channel is not null)
                {
                    await Handshake.WriteHelloAsync(stream, context, Handshake.Create(context, channel, lane), linked.Token);
                }

                return new DialledSocket(socket, stream, reader, hello, endpoint);
            }
            catch (Exception exception)
            {
                if (reader is not null)
                {
                    await reader.CompleteAsync();
                }

                stream?.Dispose();
                socket.Dispose();
                if (exception is ConnectionRefusedException || cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                failure = timeout.IsCancellationRequested
                    ? new TimeoutException($"No connection and handshake with {endpoint} within {context.Settings.ConnectTimeout}.", exception)
                    : exception;
                if (timeout.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        throw failure!;
    }
}
