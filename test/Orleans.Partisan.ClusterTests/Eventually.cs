namespace Orleans.Partisan.ClusterTests;

/// <summary>Awaits a condition with a deadline; the failure names what was expected and what was seen.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static Task Until(Func<bool> condition, TimeSpan timeout, Func<string> expected)
        => Until(() => Task.FromResult(condition()), timeout, expected);

    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> expected)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {timeout}: {expected()}");
            }

            await Task.Delay(PollInterval, CancellationToken.None);
        }
    }

    /// <summary>Reads <paramref name="source"/> until an item matches; fails after <paramref name="timeout"/> naming what was expected and what arrived.</summary>
    public static async Task<T> First<T>(IAsyncEnumerable<T> source, Func<T, bool> match, TimeSpan timeout, string expected)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var seen = new List<T>();
        try
        {
            await foreach (var item in source.WithCancellation(deadline.Token))
            {
                if (match(item))
                {
                    return item;
                }

                seen.Add(item);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }

        Assert.Fail($"Timed out after {timeout} waiting for {expected}; saw: [{string.Join(", ", seen)}]");
        throw new InvalidOperationException("unreachable");
    }
}
