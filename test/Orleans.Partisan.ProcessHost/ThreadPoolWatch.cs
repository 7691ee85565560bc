using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.ProcessHost;

/// <summary>
/// A diagnosis aid (<c>--ThreadPoolWatch true</c>): a dedicated thread, outside the thread pool, queues a work item
/// every 100 ms and logs (warning) when one waited 500 ms or more to run, with the pool's thread count and queue
/// length, and once a second the pool's figures over that second. With <c>--StackTool &lt;path of dotnet-stack&gt;</c>,
/// the first wait past 1.5 s also has the tool write every managed thread's stack to <c>&lt;StackDirectory&gt;</c>
/// (the runtime answers the tool on a thread of its own, so a starved pool does not stop it). It tells a process
/// whose thread pool is starved or blocked from one the machine does not schedule: in the first the watch's own
/// thread runs on time while the work item waits; in the second both are late.
/// </summary>
internal sealed class ThreadPoolWatch(ILogger<ThreadPoolWatch> logger, string? stackTool, string? stackDirectory) : IHostedService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Report = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StackAfter = TimeSpan.FromMilliseconds(1500);

    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    // The timestamp at which the pending work item was queued; zero once it ran.
    private long _queuedAt;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Watch) { IsBackground = true, Name = "thread-pool-watch" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        return Task.CompletedTask;
    }

    private void Watch()
    {
        var token = _stop.Token;
        var lastSecond = Stopwatch.GetTimestamp();
        var lastCompleted = ThreadPool.CompletedWorkItemCount;
        var lastWake = Stopwatch.GetTimestamp();
        var worstWait = TimeSpan.Zero;
        var worstWake = TimeSpan.Zero;
        var stackTaken = false;
        var reportedFor = 0L;
        while (!token.WaitHandle.WaitOne(Interval))
        {
            var now = Stopwatch.GetTimestamp();

            // How late this thread itself woke: the machine's scheduling, not the pool's.
            var wake = Stopwatch.GetElapsedTime(lastWake, now) - Interval;
            lastWake = now;
            worstWake = wake > worstWake ? wake : worstWake;
            var queuedAt = Volatile.Read(ref _queuedAt);
            if (queuedAt == 0)
            {
                Volatile.Write(ref _queuedAt, now);
                ThreadPool.UnsafeQueueUserWorkItem(static watch => Volatile.Write(ref watch._queuedAt, 0), this, preferLocal: false);
            }
            else
            {
                var waited = Stopwatch.GetElapsedTime(queuedAt, now);
                worstWait = waited > worstWait ? waited : worstWait;
                if (waited >= Report && reportedFor != queuedAt)
                {
                    reportedFor = queuedAt;
                    logger.LogWarning("THREADPOOL a work item has waited {Waited:0} ms to run; threads {Threads}, queued {Pending}; this watch's own wake-up was {Wake:0} ms late", waited.TotalMilliseconds, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, wake.TotalMilliseconds);
                }

                if (waited >= StackAfter && !stackTaken && stackTool is not null)
                {
                    stackTaken = true;
                    TakeStacks(waited);
                }
            }

            if (Stopwatch.GetElapsedTime(lastSecond, now) >= TimeSpan.FromSeconds(1))
            {
                var completed = ThreadPool.CompletedWorkItemCount;
                logger.LogWarning("THREADPOOL second: threads {Threads}, queued {Pending}, completed {Completed}, longest wait of the watch's item {Wait:0} ms, the watch's latest wake-up {Wake:0} ms", ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, completed - lastCompleted, worstWait.TotalMilliseconds, worstWake.TotalMilliseconds);
                (lastSecond, lastCompleted, worstWait, worstWake) = (now, completed, TimeSpan.Zero, TimeSpan.Zero);
            }
        }
    }

    private void TakeStacks(TimeSpan waited)
    {
        var directory = stackDirectory ?? Path.GetTempPath();
        var file = Path.Combine(directory, FormattableString.Invariant($"stacks-{Environment.ProcessId}-{DateTime.UtcNow:HHmmss.fff}.txt"));
        try
        {
            using var tool = Process.Start(new ProcessStartInfo(stackTool!, ["report", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var output = tool.StandardOutput.ReadToEnd();
            tool.WaitForExit(30_000);
            File.WriteAllText(file, output);
            logger.LogWarning("THREADPOOL stacks after a wait of {Waited:0} ms written to {File}", waited.TotalMilliseconds, file);
        }
        catch (Exception exception) when (exception is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            logger.LogWarning(exception, "THREADPOOL could not take stacks with {Tool}", stackTool);
        }
    }
}
