namespace Orleans.Partisan.Tests.Runtime;

/// <summary>A synchronization context that runs what is posted to it on the thread pool, under itself, and counts the posts.</summary>
internal sealed class CountingContext : SynchronizationContext
{
    private int _posts;

    public int Posts => Volatile.Read(ref _posts);

    public override void Post(SendOrPostCallback d, object? state)
    {
        Interlocked.Increment(ref _posts);
        ThreadPool.QueueUserWorkItem(_ =>
        {
            SetSynchronizationContext(this);
            d(state);
        });
    }
}
