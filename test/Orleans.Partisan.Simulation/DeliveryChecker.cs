namespace Orleans.Partisan.Simulation;

/// <summary>
/// Checks a <see cref="DeliverySimulator"/> run against what the application saw, independently of the
/// cores: every message delivered exactly once and acknowledged to its sender exactly once, and messages of
/// one (sender, destination, partition key) delivered in the order they were sent.
/// </summary>
internal sealed class DeliveryChecker(int seed, int nodes)
{
    private readonly List<int> _delivered = [];
    private readonly List<int> _acked = [];
    private readonly List<long> _streamIndex = [];
    private readonly Dictionary<long, long> _nextInStream = [];
    private readonly Dictionary<long, long> _lastDelivered = [];

    /// <summary>Messages delivered more than once (counted, and the first one fails the run).</summary>
    public long Duplicates { get; private set; }

    /// <summary>The application sent <paramref name="message"/>.</summary>
    public void Sent(DeliverySimMessage message)
    {
        if (message.Id != _delivered.Count)
        {
            throw new SimulationException(seed, $"Message {message.Id} sent out of turn");
        }

        _delivered.Add(0);
        _acked.Add(0);
        long index = 0;
        if (message.Key is { } key)
        {
            var stream = Stream(message, key);
            index = _nextInStream.GetValueOrDefault(stream);
            _nextInStream[stream] = index + 1;
        }

        _streamIndex.Add(index);
    }

    /// <summary>Node <paramref name="at"/> delivered <paramref name="message"/> to the application.</summary>
    public void Delivered(int at, DeliverySimMessage message)
    {
        if (at != message.To)
        {
            throw new SimulationException(seed, $"Message {message.Id} for n{message.To} was delivered at n{at}");
        }

        if (++_delivered[message.Id] > 1)
        {
            Duplicates++;
            throw new SimulationException(seed, $"Message {message.Id} (n{message.From} to n{message.To}) was delivered {_delivered[message.Id]} times");
        }

        if (message.Key is { } key)
        {
            var stream = Stream(message, key);
            var index = _streamIndex[message.Id];
            if (_lastDelivered.TryGetValue(stream, out var last) && last >= index)
            {
                throw new SimulationException(seed, $"Key order broken: message {message.Id}, number {index} of n{message.From} to n{message.To} with key {key}, was delivered after number {last}");
            }

            _lastDelivered[stream] = index;
        }
    }

    /// <summary>The sender of <paramref name="message"/> learned it was delivered.</summary>
    public void Acked(DeliverySimMessage message)
    {
        if (++_acked[message.Id] > 1)
        {
            throw new SimulationException(seed, $"Message {message.Id} was acknowledged to its sender {_acked[message.Id]} times");
        }

        if (_delivered[message.Id] == 0)
        {
            throw new SimulationException(seed, $"Message {message.Id} was acknowledged before it was delivered");
        }
    }

    private long Stream(DeliverySimMessage message, int key) => ((((long)key * nodes) + message.From) * nodes) + message.To;

    /// <summary>How many messages were delivered exactly once.</summary>
    public int DeliveredOnce => _delivered.Count(c => c == 1);

    /// <summary>Fails unless every message sent was delivered once and acknowledged once.</summary>
    public void VerifyComplete()
    {
        var lost = Enumerable.Range(0, _delivered.Count).Where(i => _delivered[i] == 0).ToList();
        if (lost.Count > 0)
        {
            throw new SimulationException(seed, $"{lost.Count} of {_delivered.Count} messages were never delivered, e.g. [{string.Join(", ", lost.Take(10))}]");
        }

        var unacked = Enumerable.Range(0, _acked.Count).Where(i => _acked[i] == 0).ToList();
        if (unacked.Count > 0)
        {
            throw new SimulationException(seed, $"{unacked.Count} of {_acked.Count} messages were never acknowledged to their senders, e.g. [{string.Join(", ", unacked.Take(10))}]");
        }
    }
}
