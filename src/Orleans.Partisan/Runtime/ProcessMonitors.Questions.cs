namespace Orleans.Partisan.Runtime;

/// <summary>Whether a process is alive: this node's mailboxes at once, another node's by asking it.</summary>
internal sealed partial class ProcessMonitors
{
    /// <summary>How often, under partial views, an unanswered liveness question is asked again.</summary>
    private static readonly TimeSpan QuestionRepeat = TimeSpan.FromSeconds(1);

    /// <summary>Whether the local mailbox <paramref name="process"/> is alive.</summary>
    /// <exception cref="ArgumentException"><paramref name="process"/> is a mailbox of another node.</exception>
    public bool IsProcessAlive(ProcessRef process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return process.Node == Self
            ? _dispatcher.Exists(process)
            : throw new ArgumentException($"{process} is a mailbox of node {process.Node}, not of this node {Self}: ask with IsProcessAliveAsync.", nameof(process));
    }

    /// <summary>Whether <paramref name="process"/> is alive, asking its node if it is another; false when that node cannot be asked or does not answer within <paramref name="timeout"/>.</summary>
    public async Task<bool> IsProcessAliveAsync(ProcessRef process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive (or infinite).");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (process.Node == Self)
        {
            return _dispatcher.Exists(process);
        }

        if (!_partialViews && !_node.IsConnected(process.Node))
        {
            return false;
        }

        var id = Interlocked.Increment(ref _nextQuestion);
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _questions[id] = (process.Node, answer);
        var asked = _time.GetTimestamp();
        try
        {
            // Under partial views the question travels by relay, whose route can change under it (or be missing for a
            // moment) and lose it: it is asked again every second (or every check interval, when shorter) until the
            // timeout. Answers carry the question's id, so a second answer finds the question already answered.
            var again = _checkInterval < QuestionRepeat ? _checkInterval : QuestionRepeat;
            while (true)
            {
                if ((!Send(process.Node, new ProcessAliveQuestion(id, process), failing: null) || !_node.IsConnected(process.Node)) && !_partialViews)
                {
                    return false;
                }

                var left = timeout == Timeout.InfiniteTimeSpan ? timeout : timeout - _time.GetElapsedTime(asked);
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                var wait = _partialViews && (left == Timeout.InfiniteTimeSpan || left > again) ? again : left;
                try
                {
                    return await answer.Task.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException) when (wait != left)
                {
                    // not answered within a check interval: ask again
                }
            }
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            _questions.TryRemove(id, out _);
        }
    }
}
