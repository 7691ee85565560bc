namespace Orleans.Partisan;

/// <summary>Options of a <see cref="NodeEventSubscription"/>.</summary>
public sealed class NodeEventSubscriptionOptions
{
    /// <summary>The default of <see cref="Lease"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the hosting silo keeps the observer without a renewal. The subscription renews every third of it, so a
    /// client that goes away leaves its observer on the silo for at most this long. Default 30 s (<see cref="DefaultLease"/>);
    /// more than zero and at most a day.
    /// </summary>
    public TimeSpan Lease { get; set; } = DefaultLease;

    /// <summary>The silo to subscribe through first. Default <see langword="null"/>: an active silo of the cluster's choosing (the first the management grain lists).</summary>
    public SiloAddress? Silo { get; set; }

    /// <summary>The monitor's options, as for <see cref="IPartisan.MonitorNodes"/> (whether <c>nodedown</c>s carry their reason). Default <see langword="null"/>: none.</summary>
    public MonitorNodesOptions? Monitor { get; set; }

    /// <summary>The clock of the renewals. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
