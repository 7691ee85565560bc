using Orleans.Concurrency;

namespace Orleans.Partisan.ProcessHost;

/// <summary>Told by <see cref="IOneWaySinkGrain"/> how many messages have arrived in the current run.</summary>
public interface IArrivalObserver : IGrainObserver
{
    /// <summary>
    /// The number of messages that have arrived since the run was armed; sent every <see cref="OneWaySinkGrain.ReportEvery"/>
    /// messages and when the run's last one arrives.
    /// </summary>
    [OneWay]
    Task Arrived(long count);
}
