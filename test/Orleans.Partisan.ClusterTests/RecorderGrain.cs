using System.Collections.Concurrent;

namespace Orleans.Partisan.ClusterTests;

/// <summary>A grain that records the overlay messages it receives.</summary>
public interface IRecorderGrain : IPartisanMessageReceiver, IGrainWithStringKey
{
    Task<List<ReceivedMessage>> GetReceived();
}

public sealed class RecorderGrain : Grain, IRecorderGrain
{
    private readonly List<ReceivedMessage> _received = [];

    public Task Receive(ReceivedMessage message)
    {
        _received.Add(message);
        return Task.CompletedTask;
    }

    public Task<List<ReceivedMessage>> GetReceived() => Task.FromResult(_received.ToList());
}

/// <summary>A client-side observer of node events.</summary>
public sealed class NodeEventRecorder : INodeEventObserver
{
    public ConcurrentQueue<NodeEvent> Events { get; } = new();

    public Task OnNodeEvent(NodeEvent nodeEvent)
    {
        Events.Enqueue(nodeEvent);
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("tests.Ping")]
public sealed record Ping([property: Id(0)] string Text, [property: Id(1)] object? Extra = null);
