using System.Collections.Concurrent;

namespace Orleans.Partisan.ClusterTests;

/// <summary>A grain that records the DOWN notifications of the process monitors it was given to.</summary>
public interface IDownRecorderGrain : IProcessDownObserver, IGrainWithStringKey
{
    Task<List<ProcessDown>> GetDowns();
}

public sealed class DownRecorderGrain : Grain, IDownRecorderGrain
{
    private readonly List<ProcessDown> _downs = [];

    public Task OnProcessDown(ProcessDown down)
    {
        _downs.Add(down);
        return Task.CompletedTask;
    }

    public Task<List<ProcessDown>> GetDowns() => Task.FromResult(_downs.ToList());
}

/// <summary>A client-side observer of DOWN notifications.</summary>
public sealed class ProcessDownRecorder : IProcessDownObserver
{
    public ConcurrentQueue<ProcessDown> Downs { get; } = new();

    public Task OnProcessDown(ProcessDown down)
    {
        Downs.Enqueue(down);
        return Task.CompletedTask;
    }
}
