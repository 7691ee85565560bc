namespace Orleans.Partisan.Clustering.Tests;

/// <summary>Awaits a condition with a deadline; the failure names what was expected.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

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
}
