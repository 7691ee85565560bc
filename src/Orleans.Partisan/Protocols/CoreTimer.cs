namespace Orleans.Partisan.Protocols;

/// <summary>
/// The key of a timer a protocol core arms and is called back with (<see cref="ArmTimerEffect"/>,
/// <see cref="IPeerServiceCore.OnTimer(CoreTimer)"/>). Each core declares its timers as records deriving from this
/// one, so a timer is matched by type and carries its subject (a peer, a message) as a typed value;
/// keys compare by value, so arming an equal key again replaces the armed timer.
/// </summary>
internal abstract record CoreTimer;
