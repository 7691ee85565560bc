using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.TableService;

/// <summary>
/// Sends table requests to the seeds' table services and finds the leader: it tries the last leader first, follows
/// a seed's leader hint, then every seed in turn, backing off between rounds, until
/// <see cref="PartisanClusteringOptions.RequestTimeout"/> (or the bound the caller gives) elapses; then it throws
/// <see cref="PartisanClusteringUnavailableException"/> naming every seed tried and its last answer.
/// One TCP connection per request, under TLS when it is on. Thread-safe.
/// </summary>
internal sealed class SeedClient
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(500);

    private readonly PartisanClusteringOptions _options;
    private readonly Serializer _serializer;
    private readonly ILogger _logger;
    private readonly PartisanTlsOptions? _tls;
    private readonly Lazy<IReadOnlyList<IPEndPoint>> _services;
    private readonly TimeSpan _attemptTimeout;
    private volatile IPEndPoint? _preferred;
    private volatile TableRequestOutcome? _lastFailure;
    private volatile TableRequestOutcome? _lastSuccess;

    /// <summary>Creates a client of the seeds named in <paramref name="options"/>, over TLS when <paramref name="tls"/> is not <see langword="null"/>.</summary>
    public SeedClient(PartisanClusteringOptions options, Serializer serializer, ILogger logger, PartisanTlsOptions? tls = null)
    {
        _options = options;
        _tls = tls;
        _serializer = serializer;
        _logger = logger;
        _services = new(() => options.Seeds
            .Select((s, i) => SeedEndPoints.Resolve(s, $"Seeds[{i}]"))
            .Select(e => new IPEndPoint(e.Address, e.Port + options.ServicePortOffset))
            .ToList());
        var perAttempt = 4 * options.UpperElectionTimeout;
        _attemptTimeout = perAttempt < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : perAttempt;
    }

    /// <summary>The seeds' table-service endpoints.</summary>
    public IReadOnlyList<IPEndPoint> ServiceEndPoints => _services.Value;

    /// <summary>Sends <paramref name="request"/> to the leader and returns its answer, within <see cref="PartisanClusteringOptions.RequestTimeout"/>.</summary>
    public Task<TableResponse> SendAsync(TableRequest request, CancellationToken token) => SendAsync(request, _options.RequestTimeout, token);

    /// <summary>The last request that found no seed leading a majority (or was refused), or <see langword="null"/>; for the health check.</summary>
    public TableRequestOutcome? LastFailure => _lastFailure;

    /// <summary>The last request answered, or <see langword="null"/>; for the health check.</summary>
    public TableRequestOutcome? LastSuccess => _lastSuccess;

    /// <summary>
    /// Sends <paramref name="request"/> to the leader and returns its answer, within <paramref name="timeout"/>; counts
    /// the request by operation and outcome (<see cref="PartisanTelemetry.ClusteringTableRequests"/>).
    /// </summary>
    public async Task<TableResponse> SendAsync(TableRequest request, TimeSpan timeout, CancellationToken token)
    {
        var operation = request.Operation;
        try
        {
            var response = await SendToLeaderAsync(request, timeout, token).ConfigureAwait(false);
            ClusteringMetrics.CountRequest(operation, "ok");
            _lastSuccess = new TableRequestOutcome(operation, Stopwatch.GetTimestamp(), null);
            return response;
        }
        catch (Exception e) when (e is PartisanClusteringUnavailableException or ArgumentException or OperationCanceledException)
        {
            var outcome = e switch
            {
                PartisanClusteringUnavailableException => "unavailable",
                ArgumentException => "rejected",
                _ => "cancelled",
            };
            ClusteringMetrics.CountRequest(operation, outcome);
            if (outcome != "cancelled")
            {
                _lastFailure = new TableRequestOutcome(operation, Stopwatch.GetTimestamp(), e.Message);
            }

            throw;
        }
    }

    private async Task<TableResponse> SendToLeaderAsync(TableRequest request, TimeSpan timeout, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var lastAnswer = new Dictionary<IPEndPoint, string>();
        var refused = new HashSet<IPEndPoint>();
        var backoff = FirstBackoff;
        while (true)
        {
            var round = new List<IPEndPoint>();
            if (_preferred is { } p)
            {
                round.Add(p);
            }

            round.AddRange(ServiceEndPoints.Where(e => !round.Contains(e)));
            for (var i = 0; i < round.Count; i++)
            {
                var remaining = timeout - clock.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                var seed = round[i];
                var cutShort = remaining < _attemptTimeout;
                TableResponse response;
                try
                {
                    response = await ExchangeAsync(seed, request, cutShort ? remaining : _attemptTimeout, token).ConfigureAwait(false);
                }
                catch (Exception e) when (!token.IsCancellationRequested && e is IOException or SocketException or OperationCanceledException or InvalidDataException or SerializerException)
                {
                    var reason = e is OperationCanceledException ? "no answer in time" : e.Message;
                    if (!(cutShort && e is OperationCanceledException && lastAnswer.ContainsKey(seed)))
                    {
                        // An attempt cut short by the deadline says nothing: it must not hide why the seed failed before.
                        lastAnswer[seed] = reason;
                    }

                    if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
                    {
                        refused.Add(seed);
                    }
                    else if (!(cutShort && e is OperationCanceledException))
                    {
                        refused.Remove(seed); // it answered, or was given its full time; an attempt cut short by the deadline says nothing
                    }

                    TableServiceLog.SeedAttemptFailed(_logger, request.ToString(), seed, reason);
                    continue;
                }

                refused.Remove(seed);
                switch (response.Status)
                {
                    case TableResponseStatus.Ok:
                        _preferred = seed;
                        return response;
                    case TableResponseStatus.Rejected:
                        throw new ArgumentException($"Seed {seed} rejected {request}: {response.Reason}", nameof(request));
                    case TableResponseStatus.NotLeader when response.LeaderHint is { } hintText && IPEndPoint.TryParse(hintText, out var hint):
                        lastAnswer[seed] = $"not the leader (leader: {hint})";
                        var at = round.IndexOf(hint);
                        if (at > i + 1)
                        {
                            round.RemoveAt(at);
                        }

                        if (at < 0 || at > i + 1)
                        {
                            round.Insert(i + 1, hint);
                        }

                        break;
                    default:
                        lastAnswer[seed] = response.Reason ?? response.Status.ToString();
                        break;
                }
            }

            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                var tried = string.Join("; ", ServiceEndPoints.Select(e => $"{e} ({lastAnswer.GetValueOrDefault(e, "not reached")})"));
                var message = $"The Partisan membership table is unavailable: no seed leading a majority answered {request} within {timeout}. Seeds tried (table-service endpoints): {tried}.";
                if (ServiceEndPoints.All(refused.Contains))
                {
                    message += " " + NoSeedRunningHint(_options);
                }

                TableServiceLog.RequestFailed(_logger, request.ToString(), message);
                throw new PartisanClusteringUnavailableException(message);
            }

            await Task.Delay(backoff < left ? backoff : left, token).ConfigureAwait(false);
            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
    }

    /// <summary>
    /// What to check when every seed refused the connection, so that no seed runs at all: the commonest cause is
    /// that no silo was configured as a seed (its <see cref="PartisanClusteringOptions.ConsensusEndpoint"/> set to its
    /// own entry in <see cref="PartisanClusteringOptions.Seeds"/>).
    /// </summary>
    internal static string NoSeedRunningHint(PartisanClusteringOptions options)
    {
        var hint = "Nothing listens on any seed's table-service port, so no seed runs: a silo runs a seed only when its ConsensusEndpoint is set to its own entry in Seeds.";
        if (options.ConsensusEndpoint is { } own)
        {
            return IsListed(own, options.Seeds)
                ? hint + " Start the seeds."
                : hint + $" This silo's ConsensusEndpoint '{own}' is not in Seeds, so it runs no seed; set it to this silo's entry in Seeds, and start the seeds.";
        }

        hint += " This silo (or client) has no ConsensusEndpoint, so it runs no seed; set ConsensusEndpoint on each seed silo, and start the seeds.";
        var local = options.Seeds.Where(IsOnThisHost).ToList();
        return local.Count == 0
            ? hint
            : hint + $" On this host: {string.Join(", ", local.Select(s => $"'{s}'"))}; if this silo is meant to be that seed, set o.ConsensusEndpoint = \"{local[0]}\".";
    }

    private static bool IsListed(string endPoint, IReadOnlyList<string> seeds)
    {
        try
        {
            var resolved = SeedEndPoints.Resolve(endPoint, nameof(PartisanClusteringOptions.ConsensusEndpoint));
            return seeds.Select((s, i) => SeedEndPoints.Resolve(s, $"Seeds[{i}]")).Contains(resolved);
        }
        catch (Exception e) when (e is ArgumentException or SocketException)
        {
            return false;
        }
    }

    private static bool IsOnThisHost(string seed)
    {
        if (!SeedEndPoints.TryParse(seed, out var host, out _, out _))
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || string.Equals(host, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            return false;
        }

        try
        {
            return IPAddress.IsLoopback(address) || NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(u => u.Address.Equals(address));
        }
        catch (NetworkInformationException)
        {
            return false;
        }
    }

    private async Task<TableResponse> ExchangeAsync(IPEndPoint seed, TableRequest request, TimeSpan timeout, CancellationToken token)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(token);
        bound.CancelAfter(timeout);
        using var socket = new Socket(seed.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(seed, bound.Token).ConfigureAwait(false);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        await using var secured = _tls is null ? null : await AuthenticateAsync(network, _tls, seed, bound.Token).ConfigureAwait(false);
        Stream stream = secured is null ? network : secured;
        const string TlsRefusal = "the seed closed the TLS connection without answering (it may have refused this node's certificate: see its log)";
        byte[]? frame;
        try
        {
            await Frames.WriteAsync(stream, _serializer.SerializeToArray(request), bound.Token).ConfigureAwait(false);
            frame = await Frames.ReadAsync(stream, Frames.MaxFrameLength, bound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (secured is not null && e is IOException or AuthenticationException)
        {
            // Under TLS 1.3 the client's handshake completes before the seed has judged the client's certificate, so
            // a refusal arrives as an alert or a reset on this first exchange rather than as a failed handshake.
            throw new IOException($"{TlsRefusal}: {e.Message}", e);
        }

        if (frame is null)
        {
            throw new IOException(secured is null ? "the seed closed the connection without answering" : TlsRefusal);
        }

        return FrameDecoder.Decode<TableResponse>(_serializer, frame);
    }

    /// <summary>Authenticates as the TLS client of <paramref name="seed"/>; a failure is logged and thrown as <see cref="IOException"/> naming the reason.</summary>
    private async Task<SslStream> AuthenticateAsync(Stream inner, PartisanTlsOptions tls, IPEndPoint seed, CancellationToken token)
    {
        string? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls.CreateClientAuthenticationOptions(seed, r => refusal = r), token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            var reason = refusal ?? $"the TLS handshake failed ({e.Message}); is TLS on at the seed (UsePartisanTls)?";
            TableServiceLog.SeedTlsRefused(_logger, seed, reason);
            throw new IOException($"TLS: {reason}", e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
