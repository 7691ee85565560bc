using System.Runtime.CompilerServices;

namespace Orleans.Partisan.Transport;

/// <summary>
/// How bulk work in the transport shares the CPU with everything else: a large frame is serialized,
/// written, read and decoded <see cref="Size"/> bytes at a time, and between slices the thread offers
/// its CPU to any thread waiting for one.
/// </summary>
/// <remarks>
/// <para>Copying a slice takes tens of microseconds; copying an 8 MiB frame in one go takes about a
/// millisecond. A thread woken meanwhile (the socket engine's, or a thread-pool worker with another
/// channel's message) may be queued behind the copying thread on its CPU: a fair scheduler that lets
/// the running thread finish its time slice (Linux's EEVDF does, and a virtual machine's guest may also
/// pack threads onto few virtual CPUs) makes it wait until the copy ends or the next scheduler tick,
/// up to 4 ms with a 250 Hz kernel. Offering the CPU between slices bounds that wait to one slice.</para>
/// <para>Offering costs one system call when nothing is waiting (a few hundred nanoseconds; an 8 MiB
/// frame offers 32 times each while it is written, read and decoded, and about 8 while it is
/// serialized) and nothing for frames smaller than a slice.</para>
/// </remarks>
internal static class CpuSlice
{
    /// <summary>The bytes of a large frame handled between two offers of the CPU.</summary>
    public const int Size = 256 * 1024;

    [ThreadStatic]
    private static int _offers;

    [ThreadStatic]
    private static bool _quiet;

    /// <summary>How many times the current thread has offered its CPU (for tests).</summary>
    public static int OffersOnThisThread => _offers;

    /// <summary>Lets any thread that is ready to run on this CPU run first (unless <see cref="Quietly"/> says not to).</summary>
    public static void Offer()
    {
        if (_quiet)
        {
            return;
        }

        _offers++;
        Thread.Yield();
    }

    /// <summary>
    /// Runs <paramref name="walk"/> on this thread without offering the CPU: for passes that only look at a
    /// frame's bytes (the check before decoding), which cost too little per slice to be worth a system call.
    /// </summary>
    public static T Quietly<TState, T>(TState state, Func<TState, T> walk)
    {
        var outer = _quiet;
        _quiet = true;
        try
        {
            return walk(state);
        }
        finally
        {
            _quiet = outer;
        }
    }

    /// <summary>
    /// Between two slices of socket I/O: offers the CPU, then lets other work on the thread pool run (a
    /// socket read or write that can complete at once does, so a loop over a large frame would otherwise
    /// keep its thread-pool thread for all of it).
    /// </summary>
    public static YieldAwaitable BetweenSocketSlices()
    {
        Offer();
        return Task.Yield();
    }
}
