namespace Orleans.Partisan;

/// <summary>
/// What a node with TLS on (<see cref="PartisanTlsOptions"/>) asks of the nodes and clients that connect to it,
/// shaped like Orleans' <c>RemoteCertificateMode</c> (Microsoft.Orleans.Connections.Security). A node that dials
/// always requires and checks the certificate of the node it reaches.
/// </summary>
public enum PartisanRemoteCertificateMode
{
    /// <summary>No certificate is asked for: the link is encrypted, but whoever connects is not authenticated.</summary>
    NoCertificate,

    /// <summary>A certificate is asked for and checked when one is sent; a peer that sends none is accepted.</summary>
    AllowCertificate,

    /// <summary>A valid certificate is required (mutual TLS); a peer that sends none is refused. The default.</summary>
    RequireCertificate,
}
