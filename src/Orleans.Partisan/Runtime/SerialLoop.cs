using System.Threading.Channels;

namespace Orleans.Partisan.Runtime;

/// <summary>
/// One loop that runs queued work items one at a time, in order: what makes a protocol core's driver
/// call the core from one place only. A work item that throws is reported and the loop goes on.
/// </summary>
/// <param name="owner">Named in the error of work posted after the loop stopped.</param>
/// <param name="failed">Told of a work item that threw, with the item's method name.</param>
internal sealed class SerialLoop(string owner, Action<Exception, string> failed)
{
    private readonly Channel<Func<Task>> _work = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;

    /// <summary>Starts the loop.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues <paramref name="work"/>; dropped once the loop is stopping.</summary>
    public void Post(Func<Task> work) => _work.Writer.TryWrite(work);

    /// <summary>Queues <paramref name="work"/> and completes when it has run, with its outcome.</summary>
    public Task Invoke(Func<Task> work) => Invoke(async () =>
    {
        await work().ConfigureAwait(false);
        return true;
    });

    /// <summary>Queues <paramref name="work"/> and completes with its result when it has run.</summary>
    public Task<T> Invoke<T>(Func<Task<T>> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = _work.Writer.TryWrite(async () =>
        {
            try
            {
                completion.TrySetResult(await work().ConfigureAwait(false));
            }
            catch (Exception exception)
            {
                completion.TrySetException(exception);
            }
        });
        if (!posted)
        {
            completion.TrySetException(new ObjectDisposedException(owner, "The overlay node is stopped."));
        }

        return completion.Task;
    }

    /// <summary>Stops taking work and waits for the loop to finish what was queued.</summary>
    public async Task StopAsync()
    {
        _work.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                failed(exception, work.Method.Name);
            }
        }
    }
}
