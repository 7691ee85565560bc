using Orleans.Partisan.Simulation;

namespace Orleans.Partisan.Tests.Simulation;

/// <summary>
/// The simulator's calendar queue gives events in exactly the order of a heap on (time, sequence), which
/// the trace hashes of every run depend on: near and far events, events at the clock, ties, and runs
/// bounded by a limit after which events are scheduled from the limit on (as <c>RunUntil</c> does).
/// </summary>
public sealed class EventQueueTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Events_come_out_in_time_then_schedule_order(int seed)
    {
        var random = new Random(seed);
        var queue = new EventQueue();
        var reference = new PriorityQueue<long, (long Time, long Sequence)>();
        long sequence = 0, now = 0, taken = 0;
        void Schedule(long time)
        {
            queue.Schedule(time, new SimEvent(EventKind.Timer, 0, 0, sequence, null));
            reference.Enqueue(sequence, (time, sequence));
            sequence++;
        }

        for (var step = 0; step < 20_000; step++)
        {
            var action = random.Next(10);
            if (action < 5)
            {
                // Near (a message: up to 10 ms), at the clock (a handler call), or far (timers, and beyond the ring's 6.7 s).
                Schedule(now + random.Next(4) switch
                {
                    0 => 0,
                    1 => random.NextInt64(10_000, 100_000),
                    2 => random.NextInt64(0, TimeSpan.TicksPerSecond * 11),
                    _ => random.NextInt64(0, TimeSpan.TicksPerSecond * 100),
                });
            }
            else if (action < 8)
            {
                if (queue.TryDequeue(out var item, out var time))
                {
                    Assert.True(reference.TryDequeue(out var expected, out var priority), "the queue gave an event the heap does not have");
                    Assert.Equal((priority.Time, expected), (time, item.Token));
                    now = time;
                    taken++;
                }
                else
                {
                    Assert.Equal(0, reference.Count);
                }
            }
            else
            {
                // RunUntil: everything due up to a limit, then the clock stands at the limit.
                var limit = now + random.NextInt64(0, TimeSpan.TicksPerSecond * 3);
                while (queue.TryDequeueUntil(limit, out var due, out var dueTime))
                {
                    Assert.True(reference.TryDequeue(out var expected, out var priority), "the queue gave an event the heap does not have");
                    Assert.Equal((priority.Time, expected), (dueTime, due.Token));
                    Assert.True(dueTime <= limit, $"an event due at {dueTime} came out of a run until {limit}");
                    taken++;
                }

                Assert.True(!reference.TryPeek(out _, out var next) || next.Time > limit, $"the run until {limit} left an event due at {next.Time}");
                now = limit;
            }

            Assert.Equal(reference.Count, queue.Count);
        }

        Assert.True(taken > 5_000, $"only {taken} events were taken: the test exercised too little");
    }
}
