using Microsoft.Extensions.Hosting;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// The overlay side of the benchmark's request-reply and forward measurements: a receiver <c>echo</c> that answers
/// every call with the request itself, and a receiver <c>sink</c> that takes forwarded messages.
/// </summary>
public sealed class EchoReceivers(IPartisan partisan) : IHostedService
{
    /// <summary>The receiver that answers calls with their request.</summary>
    public const string Echo = "echo";

    /// <summary>The receiver that takes forwarded messages and does nothing with them.</summary>
    public const string Sink = "sink";

    private readonly List<IDisposable> _registrations = [];

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(partisan.RegisterReceiver(Echo, m => _ = m.ReplyAsync(m.Message).AsTask()));
        _registrations.Add(partisan.RegisterReceiver(Sink, _ => { }));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registrations.ForEach(r => r.Dispose());
        return Task.CompletedTask;
    }
}
