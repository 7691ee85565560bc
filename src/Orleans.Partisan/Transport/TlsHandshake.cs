using System.Net;
using System.Net.Security;
using System.Security.Authentication;

namespace Orleans.Partisan.Transport;

/// <summary>
/// TLS under the overlay's handshake (<see cref="TransportSettings.Tls"/>): a dialled socket authenticates as the
/// client, an accepted one as the server, before any hello is exchanged. A refusal is logged with its reason, counted
/// (<c>partisan.connections.refused</c>, reason <c>tls</c>) and thrown as <see cref="ConnectionRefusedException"/>.
/// </summary>
internal static class TlsHandshake
{
    /// <summary>The reason word of TLS refusals.</summary>
    public const string Reason = "tls";

    /// <summary>Authenticates as the client of the node at <paramref name="remote"/>; returns the secured stream, which owns <paramref name="inner"/>.</summary>
    /// <exception cref="ConnectionRefusedException">The handshake failed: the node's certificate was refused, or it does not speak TLS.</exception>
    public static async ValueTask<SslStream> AuthenticateAsClientAsync(TransportContext context, PartisanTlsOptions tls, Stream inner, IPEndPoint remote, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls.CreateClientAuthenticationOptions(remote, r => refusal = r), cancellationToken);
            return ssl;
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw Refuse(context, Handshake.Outbound, remote, refusal ?? $"the TLS handshake failed ({Describe(exception)}); is TLS on at that node?");
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    /// <summary>Authenticates as the server of a peer at <paramref name="remote"/>; returns the secured stream, which owns <paramref name="inner"/>.</summary>
    /// <exception cref="ConnectionRefusedException">The handshake failed: the peer's certificate was refused, or it does not speak TLS.</exception>
    public static async ValueTask<SslStream> AuthenticateAsServerAsync(TransportContext context, PartisanTlsOptions tls, Stream inner, EndPoint? remote, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(tls.CreateServerAuthenticationOptions(r => refusal = r), cancellationToken);
            return ssl;
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw Refuse(context, Handshake.Inbound, remote, refusal ?? $"the TLS handshake failed ({Describe(exception)}); does the peer have TLS on?");
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    /// <summary>Logs and counts a TLS refusal and returns the exception to throw.</summary>
    public static ConnectionRefusedException Refuse(TransportContext context, string direction, EndPoint? remote, string problem)
    {
        TransportLog.RefusedTls(context.Logger, direction, remote, problem);
        return Handshake.Refused(Reason, $"Refused TLS connection {direction} {remote}: {problem}");
    }

    private static string Describe(Exception exception)
        => exception.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) && inner.Message != exception.Message
            ? $"{exception.Message} {inner.Message}"
            : exception.Message;
}
