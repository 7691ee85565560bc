namespace Orleans.Partisan.Runtime;

/// <summary>Why a callee answered a call with <see cref="CallFailed"/>.</summary>
[GenerateSerializer, Alias("partisan.CallFailure")]
internal enum CallFailure
{
    /// <summary>The target does not exist on the callee (or cannot answer calls).</summary>
    NoSuchTarget,

    /// <summary>The target threw while handling the call, or its reply could not be sent.</summary>
    HandlerFailed,
}
