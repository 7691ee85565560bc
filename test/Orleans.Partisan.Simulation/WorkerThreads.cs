using System.Diagnostics;

namespace Orleans.Partisan.Simulation;

/// <summary>
/// The threads of workers 1 to W - 1 of a <see cref="Simulator"/> (worker 0 runs on the caller's thread)
/// and the barrier between windows: a worker waiting for the next window, or the caller waiting for the
/// workers to finish one, spins for a few microseconds and then blocks. A thread that has waited
/// <see cref="IdleExit"/> for a window ends (the next window starts a new one), so a simulator that is
/// no longer run leaves no thread behind.
/// </summary>
/// <remarks>
/// The clock is read here only to measure the waits (reported by <see cref="Simulator.BarrierWait"/> and
/// <see cref="Simulator.WorkerWait"/>); nothing the simulation decides depends on it.
/// </remarks>
#pragma warning disable RS0030 // Stopwatch measures the barrier's own cost; virtual time is untouched.
internal sealed class WorkerThreads
{
    /// <summary>How long a thread waits for a window before it ends.</summary>
    public static readonly TimeSpan IdleExit = TimeSpan.FromMilliseconds(200);

    private static readonly long SpinTicks = Stopwatch.Frequency / 50_000; // 20 µs
    private readonly object _lock = new();
    private readonly Action<int> _runWindow;
    private readonly bool[] _alive;
    private readonly long[] _waitTicks;
    private long _generation;
    private int _remaining;
    private long _callerWaitTicks;

    /// <summary>Threads for workers 1 to <paramref name="workers"/> - 1, each running <paramref name="runWindow"/> with its worker's number.</summary>
    public WorkerThreads(int workers, Action<int> runWindow)
    {
        _runWindow = runWindow;
        _alive = new bool[workers];
        _waitTicks = new long[workers];
    }

    /// <summary>The time the caller (worker 0) waited at the end of windows for the other workers.</summary>
    public TimeSpan CallerWait => Stopwatch.GetElapsedTime(0, _callerWaitTicks);

    /// <summary>The time workers 1 to W - 1 waited for a window (between runs too), summed.</summary>
    public TimeSpan WorkersWait
    {
        get
        {
            long ticks = 0;
            for (var i = 0; i < _waitTicks.Length; i++)
            {
                ticks += Volatile.Read(ref _waitTicks[i]);
            }

            return Stopwatch.GetElapsedTime(0, ticks);
        }
    }

    /// <summary>Lets workers 1 to W - 1 run the window the simulator has set up (starting threads that ended).</summary>
    public void Start()
    {
        lock (_lock)
        {
            for (var i = 1; i < _alive.Length; i++)
            {
                if (!_alive[i])
                {
                    _alive[i] = true;
                    var worker = i;
                    var seen = _generation;
                    new Thread(() => Loop(worker, seen)) { IsBackground = true, Name = $"simulator worker {worker}" }.Start();
                }
            }

            Volatile.Write(ref _remaining, _alive.Length - 1);
            Volatile.Write(ref _generation, _generation + 1);
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits until workers 1 to W - 1 have finished the window.</summary>
    public void WaitDone()
    {
        var start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _remaining) != 0)
        {
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                lock (_lock)
                {
                    while (Volatile.Read(ref _remaining) != 0)
                    {
                        Monitor.Wait(_lock);
                    }
                }

                break;
            }

            Thread.SpinWait(20);
        }

        _callerWaitTicks += Stopwatch.GetTimestamp() - start;
    }

    private void Loop(int worker, long seen)
    {
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            if (!AwaitWindow(worker, seen, start))
            {
                return;
            }

            seen++;
            _waitTicks[worker] += Stopwatch.GetTimestamp() - start;
            _runWindow(worker);
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                lock (_lock)
                {
                    Monitor.PulseAll(_lock);
                }
            }
        }
    }

    /// <summary>Spins, then blocks, until the generation moves past <paramref name="seen"/>; false if the thread idled out.</summary>
    private bool AwaitWindow(int worker, long seen, long start)
    {
        while (Volatile.Read(ref _generation) == seen)
        {
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                lock (_lock)
                {
                    while (Volatile.Read(ref _generation) == seen)
                    {
                        if (!Monitor.Wait(_lock, IdleExit) && Volatile.Read(ref _generation) == seen)
                        {
                            _alive[worker] = false;
                            _waitTicks[worker] += Stopwatch.GetTimestamp() - start;
                            return false;
                        }
                    }
                }

                return true;
            }

            Thread.SpinWait(20);
        }

        return true;
    }
}
#pragma warning restore RS0030
