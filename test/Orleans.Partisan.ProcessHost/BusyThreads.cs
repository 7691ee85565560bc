using Microsoft.Extensions.Hosting;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// Threads that keep the CPU busy inside the silo's own process (<c>--BusyThreads N</c>), at normal priority: the
/// silo's own work then competes with them for the cores, as a CPU-starved silo's does.
/// </summary>
internal sealed class BusyThreads(int count) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var thread = new Thread(Spin) { IsBackground = true, Name = $"busy-{i}" };
            _threads.Add(thread);
            thread.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        return Task.CompletedTask;
    }

    private void Spin()
    {
        var token = _stop.Token;
        var x = 1UL;
        while (!token.IsCancellationRequested)
        {
            for (var i = 0; i < 100_000; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }
        }

        GC.KeepAlive(x);
    }
}
