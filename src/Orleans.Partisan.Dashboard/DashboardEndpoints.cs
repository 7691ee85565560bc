using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Dashboard;

/// <summary>
/// The three endpoints of the page: the page itself, the state as JSON, and a server-sent-events stream of node events
/// as they happen (<c>event: node</c>) and of the state every <see cref="PartisanDashboardOptions.RefreshInterval"/>
/// (<c>event: state</c>).
/// </summary>
internal sealed class DashboardEndpoints(DashboardStateReader reader, NodeEventFeed feed, PartisanDashboardOptions options, TimeProvider time, CancellationToken stopping, ILogger logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Lazy<byte[]> Page = new(LoadPage);

    /// <summary>Serves the page: one HTML file with its styles and script inline, nothing fetched from elsewhere.</summary>
    public async Task ServePageAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(Page.Value, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Serves the state of every active silo as JSON.</summary>
    public async Task ServeStateAsync(HttpContext context)
    {
        var state = await ReadStateAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        await JsonSerializer.SerializeAsync(context.Response.Body, state, Json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams the events: first the latest node events and the state, then each node event as it arrives and the state
    /// at every refresh, until the page goes away or the application stops.
    /// </summary>
    public async Task ServeEventsAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = linked.Token;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        var (history, events, registration) = feed.Open();
        using (registration)
        {
            try
            {
                foreach (var entry in history)
                {
                    await WriteEventAsync(context.Response, "node", entry, cancellationToken).ConfigureAwait(false);
                }

                await WriteEventAsync(context.Response, "state", await ReadStateAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                using var timer = new PeriodicTimer(options.RefreshInterval, time);
                var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
                var next = events.WaitToReadAsync(cancellationToken).AsTask();
                while (true)
                {
                    var done = await Task.WhenAny(tick, next).ConfigureAwait(false);
                    if (done == next)
                    {
                        if (!await next.ConfigureAwait(false))
                        {
                            return; // the feed closed: the application is stopping
                        }

                        while (events.TryRead(out var entry))
                        {
                            await WriteEventAsync(context.Response, "node", entry, cancellationToken).ConfigureAwait(false);
                        }

                        next = events.WaitToReadAsync(cancellationToken).AsTask();
                    }
                    else
                    {
                        await tick.ConfigureAwait(false);
                        await WriteEventAsync(context.Response, "state", await ReadStateAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                        tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
                    }

                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The page closed, or the application is stopping.
            }
        }
    }

    /// <summary>Reads the state; subscribes to the node events of silos not subscribed yet at the same time.</summary>
    internal async Task<DashboardState> ReadStateAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SiloAddress> silos;
        try
        {
            silos = await reader.GetActiveSilosAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            DashboardLog.SilosUnreadable(logger, exception);
            return new DashboardState(time.GetUtcNow(), [], $"{exception.GetType().Name}: {exception.Message}");
        }

        var subscribed = SubscribeAsync(silos);
        var state = await reader.ReadAsync(silos, cancellationToken).ConfigureAwait(false);
        await subscribed.ConfigureAwait(false);
        return state;
    }

    private async Task SubscribeAsync(IReadOnlyList<SiloAddress> silos)
    {
        try
        {
            await feed.SubscribeAsync(silos).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Logged by the feed per silo; the next refresh tries again.
        }
    }

    private static async Task WriteEventAsync<T>(HttpResponse response, string name, T data, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(data, Json);
        await response.WriteAsync($"event: {name}\ndata: {json}\n\n", Encoding.UTF8, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] LoadPage()
    {
        const string Name = "Orleans.Partisan.Dashboard.dashboard.html";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(Name)
            ?? throw new InvalidOperationException($"The page {Name} is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
