using Orleans.Concurrency;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// The benchmark's Orleans one-way baseline between two silo processes: a grain pinned to the silo its key names
/// that counts one-way calls and reports the count to the caller's observer, since the caller runs in another process.
/// </summary>
public interface IOneWaySinkGrain : IGrainWithStringKey
{
    /// <summary>Starts a run of <paramref name="messages"/>: the count restarts from zero and <paramref name="observer"/> hears of it.</summary>
    Task Arm(long messages, IArrivalObserver observer);

    /// <summary>Counts one message.</summary>
    [OneWay]
    Task Receive(byte[] data);
}

/// <summary>Lives on the silo whose address is its key (<see cref="SiloPinnedPlacementAttribute"/>).</summary>
[SiloPinnedPlacement]
public sealed class OneWaySinkGrain : Grain, IOneWaySinkGrain
{
    /// <summary>
    /// How often the count is reported besides at the run's end: often enough for the sender to bound what it has in
    /// flight, rarely enough to cost nothing measurable.
    /// </summary>
    public const int ReportEvery = 1_024;

    private IArrivalObserver? _observer;
    private long _count;
    private long _messages;

    /// <inheritdoc />
    public Task Arm(long messages, IArrivalObserver observer)
    {
        (_observer, _count, _messages) = (observer, 0, messages);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Receive(byte[] data)
    {
        if (++_count % ReportEvery == 0 || _count == _messages)
        {
            _ = _observer?.Arrived(_count);
        }

        return Task.CompletedTask;
    }
}
