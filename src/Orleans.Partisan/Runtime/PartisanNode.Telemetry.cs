namespace Orleans.Partisan.Runtime;

/// <summary>What the overlay node reports to its gauges (<see cref="OverlayGauges"/>) and health check.</summary>
internal sealed partial class PartisanNode : IOverlayGaugeSource
{
    private IDisposable? _gauges;

    string IOverlayGaugeSource.Node => Name.Value;

    OverlayGaugeReading IOverlayGaugeSource.Read()
    {
        var (active, passive) = _driver?.ViewSizes ?? (-1, -1);
        var outbound = 0;
        var inbound = 0;
        var queued = 0;
        foreach (var connection in _transport.GetConnections())
        {
            if (connection.Direction == ConnectionDirection.Outbound)
            {
                outbound++;
                queued += connection.QueuedMessages;
            }
            else
            {
                inbound++;
            }
        }

        return new OverlayGaugeReading(_driver?.Members.Count ?? 1, active, passive, outbound, inbound, queued, _delivery.UnackedCount);
    }

    /// <summary>Reads what the overlay's health check judges; safe from any thread.</summary>
    internal OverlayHealthSnapshot ReadHealth()
    {
        var driver = _driver;
        var started = driver is not null && Volatile.Read(ref _disposed) == 0;
        var fullest = 0;
        foreach (var connection in started ? _transport.GetConnections() : [])
        {
            fullest = Math.Max(fullest, connection.QueuedMessages);
        }

        return new OverlayHealthSnapshot(
            started,
            driver?.HasLeft ?? false,
            _settings.PeerService,
            driver is null ? [] : [.. driver.Members.Keys.Where(m => m != Name)],
            driver?.Neighbors ?? [],
            started ? _transport.ConnectedPeers().ToHashSet() : new HashSet<NodeName>(),
            driver?.ViewSizes.Active ?? -1,
            _settings.HyParView.MinActiveViewSize,
            fullest,
            _settings.Transport.SendQueueCapacity);
    }

    private void StartGauges() => _gauges = OverlayGauges.Register(this);

    private void StopGauges() => _gauges?.Dispose();
}
