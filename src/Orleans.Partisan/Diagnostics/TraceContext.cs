using System.Diagnostics;

namespace Orleans.Partisan;

/// <summary>
/// The W3C trace context of a span, as it travels with a call's request (the forward frame's trace header) and with a
/// broadcast (the Plumtree gossip message): the <c>traceparent</c> and, when the span has one, the <c>tracestate</c>.
/// </summary>
/// <param name="TraceParent">The <c>traceparent</c> (version 00: <c>00-</c>32 hex digits<c>-</c>16 hex digits<c>-</c>2 hex digits, 55 characters).</param>
/// <param name="TraceState">The <c>tracestate</c>, or <see langword="null"/>: printable ASCII, at most <see cref="MaxTraceStateLength"/> characters.</param>
[GenerateSerializer, Immutable, Alias("partisan.TraceContext")]
internal sealed record TraceContext([property: Id(0)] string TraceParent, [property: Id(1)] string? TraceState)
{
    /// <summary>The length of a version-00 <c>traceparent</c>.</summary>
    public const int TraceParentLength = 55;

    /// <summary>The longest <c>tracestate</c> carried (W3C asks that at least 512 characters be propagated).</summary>
    public const int MaxTraceStateLength = 512;

    /// <summary>The context of <paramref name="activity"/> when it is recorded (sampled by a listener), else <see langword="null"/>: nothing travels for a span nobody records.</summary>
    public static TraceContext? Of(Activity? activity)
    {
        if (activity is not { Recorded: true } || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { Length: TraceParentLength } id)
        {
            return null;
        }

        var state = activity.TraceStateString;
        return new TraceContext(id, state is { Length: > 0 and <= MaxTraceStateLength } ? state : null);
    }

    /// <summary>The remote parent this context names, or <c>default</c> when it does not parse.</summary>
    public ActivityContext ToParent()
        => ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out var context) ? context : default;

    /// <summary>
    /// Whether <paramref name="traceParent"/> is a version-00 <c>traceparent</c>: two hex digits of version (00), a trace
    /// id of 32 lower-case hex digits not all zero, a span id of 16 not all zero, and two of flags, joined by dashes.
    /// </summary>
    public static bool IsValidTraceParent(ReadOnlySpan<byte> traceParent)
    {
        if (traceParent.Length != TraceParentLength || traceParent[0] != '0' || traceParent[1] != '0'
            || traceParent[2] != '-' || traceParent[35] != '-' || traceParent[52] != '-')
        {
            return false;
        }

        return IsHex(traceParent[3..35]) && IsHex(traceParent[36..52]) && IsHex(traceParent[53..55])
            && traceParent[3..35].ContainsAnyExcept((byte)'0') && traceParent[36..52].ContainsAnyExcept((byte)'0');
    }

    /// <summary>Whether <paramref name="traceState"/> is at most <see cref="MaxTraceStateLength"/> bytes of printable ASCII.</summary>
    public static bool IsValidTraceState(ReadOnlySpan<byte> traceState)
        => traceState.Length <= MaxTraceStateLength && !traceState.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e);

    private static bool IsHex(ReadOnlySpan<byte> digits)
    {
        foreach (var digit in digits)
        {
            if (digit is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        return true;
    }
}
