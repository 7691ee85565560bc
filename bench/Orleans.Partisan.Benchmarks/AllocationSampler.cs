using System.Diagnostics.Tracing;

namespace Orleans.Partisan.Benchmarks;

/// <summary>
/// Samples the runtime's allocations by type (<c>GCAllocationTick</c> events of the
/// <c>Microsoft-Windows-DotNETRuntime</c> source, one per about 100 KB allocated), so a benchmark can name
/// its allocation hot paths without dotnet-trace. Sampled: the counts are proportional, not exact.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytes = [];
    private readonly Lock _lock = new();

    /// <summary>The sampled bytes by type name, most first.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Top(int count)
    {
        lock (_lock)
        {
            return [.. _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value))];
        }
    }

    /// <summary>The sampled bytes in all.</summary>
    public long Total
    {
        get
        {
            lock (_lock)
            {
                return _bytes.Values.Sum();
            }
        }
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || eventData.Payload?[typeIndex] is not string type)
        {
            return;
        }

        var amount = amountIndex >= 0 && eventData.Payload[amountIndex] is ulong big ? (long)big : 100_000;
        lock (_lock)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }
}
