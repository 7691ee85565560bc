namespace Orleans.Partisan.Runtime;

/// <summary>
/// The callee's answer that a call cannot be answered, addressed to a <see cref="Transport.CallAnswerTarget"/> as a failure. It
/// carries an exception's type name and message, never the exception object.
/// </summary>
/// <param name="Reason">Why.</param>
/// <param name="ErrorType">The full name of the exception thrown (for <see cref="CallFailure.HandlerFailed"/>), or a short word.</param>
/// <param name="Message">What went wrong, in the callee's words.</param>
[GenerateSerializer, Immutable, Alias("partisan.CallFailed")]
internal sealed record CallFailed(
    [property: Id(0)] CallFailure Reason,
    [property: Id(1)] string ErrorType,
    [property: Id(2)] string Message);
