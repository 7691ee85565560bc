namespace Orleans.Partisan;

/// <summary>Why a monitored process is down: the reason of Erlang's <c>DOWN</c> message.</summary>
public enum ProcessDownReason
{
    /// <summary>The process exited: its mailbox was disposed, or its named receiver was unregistered.</summary>
    Normal,

    /// <summary>The process did not exist when the monitor was set up (<c>noproc</c>): reported at once.</summary>
    NoProcess,

    /// <summary>
    /// The process's node went down, or was not connected when the monitor was set up (<c>noconnection</c>):
    /// the process may still run, but this node lost sight of it.
    /// </summary>
    NoConnection,
}
