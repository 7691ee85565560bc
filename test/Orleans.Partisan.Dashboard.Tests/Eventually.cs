namespace Orleans.Partisan.Dashboard.Tests;

/// <summary>Awaits a condition with a deadline; the failure names what was expected and what was last seen.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, Func<T, string> expected)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {timeout}: {expected(value)}");
            }

            await Task.Delay(PollInterval, CancellationToken.None);
        }
    }
}
