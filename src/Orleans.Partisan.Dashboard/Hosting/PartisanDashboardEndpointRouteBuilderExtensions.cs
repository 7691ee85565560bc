using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Partisan.Dashboard;

namespace Orleans.Partisan;

/// <summary>Maps the live page of the Partisan overlay into an ASP.NET Core application.</summary>
public static class PartisanDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the overlay page at <paramref name="pattern"/>: <c>GET {pattern}</c> is the page (one self-contained HTML
    /// file: a graph of the silos with active links solid, passive links dashed and the eager links of a broadcast tree
    /// highlighted, the members, views, channels and connections of each silo, and a live log of node events);
    /// <c>GET {pattern}/state</c> is the same state as JSON; <c>GET {pattern}/events</c> is a server-sent-events stream of
    /// node events as they happen and of the state at every <see cref="PartisanDashboardOptions.RefreshInterval"/>.
    /// </summary>
    /// <remarks>
    /// The application must run Orleans, as a silo (<c>UseOrleans</c>) or a client (<c>UseOrleansClient</c>): the page
    /// reads the overlay through each silo's grains, so it shows every active silo whichever one it runs beside. Node
    /// events are subscribed to when the page (or the state) is first asked for, and on each silo as it appears. The page
    /// shows the cluster's topology and node names: protect it as any operations endpoint, for example with
    /// <c>RequireAuthorization</c> on the returned builder.
    /// </remarks>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">Where the page is; its JSON and stream are below it. Default <c>/partisan</c>.</param>
    /// <param name="configure">Sets the page's options; they are checked here.</param>
    /// <returns>The group of the three endpoints, to add conventions to (authorization, host filters…).</returns>
    /// <exception cref="InvalidOperationException">The application does not run Orleans (no <see cref="IGrainFactory"/>).</exception>
    /// <exception cref="ArgumentException">An option is out of its range.</exception>
    public static IEndpointConventionBuilder MapPartisanDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/partisan", Action<PartisanDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var options = new PartisanDashboardOptions();
        configure?.Invoke(options);
        options.Validate();

        var services = endpoints.ServiceProvider;
        var grains = services.GetService<IGrainFactory>()
            ?? throw new InvalidOperationException("MapPartisanDashboard reads the overlay through Orleans' grains: run Orleans in this application (UseOrleans for a silo, UseOrleansClient for a client) before mapping the page.");
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Orleans.Partisan.Dashboard") ?? NullLogger.Instance;
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;

        var feed = new NodeEventFeed(grains, options, time, logger);
        stopping.Register(() => _ = feed.DisposeAsync().AsTask());
        var handlers = new DashboardEndpoints(new DashboardStateReader(grains, options, time, logger), feed, options, time, stopping, logger);

        var group = endpoints.MapGroup(pattern);
        group.MapGet("", handlers.ServePageAsync);
        group.MapGet("/state", handlers.ServeStateAsync);
        group.MapGet("/events", handlers.ServeEventsAsync);
        DashboardLog.Mapped(logger, pattern);
        return group;
    }
}
