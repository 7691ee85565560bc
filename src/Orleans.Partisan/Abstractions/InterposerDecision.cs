namespace Orleans.Partisan;

/// <summary>What an <see cref="IPartisanInterposer"/> does with a message.</summary>
public enum InterposerAction
{
    /// <summary>Let the message through unchanged.</summary>
    Deliver,

    /// <summary>Discard the message, as a network that lost it would.</summary>
    Drop,

    /// <summary>Hold the message back for <see cref="InterposerDecision.Delay"/>, then let it through.</summary>
    Delay,
}

/// <summary>The decision of an <see cref="IPartisanInterposer"/> about one message.</summary>
public readonly record struct InterposerDecision
{
    private InterposerDecision(InterposerAction action, TimeSpan delay)
    {
        Action = action;
        Delay = delay;
    }

    /// <summary>Let the message through (the default value).</summary>
    public static InterposerDecision Deliver => default;

    /// <summary>Discard the message.</summary>
    public static InterposerDecision Drop => new(InterposerAction.Drop, TimeSpan.Zero);

    /// <summary>What to do.</summary>
    public InterposerAction Action { get; }

    /// <summary>How long the message is held back when <see cref="Action"/> is <see cref="InterposerAction.Delay"/>; otherwise zero.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Hold the message back for <paramref name="delay"/>; a zero delay is <see cref="Deliver"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static InterposerDecision Delayed(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return delay == TimeSpan.Zero ? Deliver : new InterposerDecision(InterposerAction.Delay, delay);
    }
}
