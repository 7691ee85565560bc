using System.Net;
using System.Net.Security;
using DotNext.Net.Security;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Clustering.Consensus;

/// <summary>
/// TLS for a seed's Raft traffic (DotNext's TCP transport takes <see cref="SslOptions"/>): the seed's listener
/// authenticates as the server, its connections to the other seeds as clients, both under the silo's
/// <see cref="PartisanTlsOptions"/>. A refused certificate is logged with the reason here; DotNext logs a failed
/// handshake (a peer without TLS, say) itself.
/// </summary>
internal sealed class RaftTlsOptions : SslOptions
{
    private readonly PartisanTlsOptions _tls;
    private readonly EndPoint _local;
    private readonly ILogger _logger;

    /// <summary>Creates the options of the seed listening on <paramref name="local"/>.</summary>
    public RaftTlsOptions(PartisanTlsOptions tls, EndPoint local, ILogger logger)
    {
        _tls = tls;
        _local = local;
        _logger = logger;

        // One set of server options serves every accepted connection, so the refusal names no peer.
        ServerOptions = tls.CreateServerAuthenticationOptions(reason => ConsensusLog.RaftInboundRefused(logger, local, reason));
    }

    /// <inheritdoc />
    public override SslClientAuthenticationOptions CreateClientOptions(EndPoint serverAddress)
        => _tls.CreateClientAuthenticationOptions(serverAddress, reason => ConsensusLog.RaftOutboundRefused(_logger, _local, serverAddress, reason));
}
