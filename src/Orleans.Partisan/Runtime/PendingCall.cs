namespace Orleans.Partisan.Runtime;

/// <summary>A call waiting for its reply on the caller's node: where it went, and the task its caller awaits.</summary>
internal sealed class PendingCall(NodeName node, PartisanTarget target)
{
    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The callee's node.</summary>
    public NodeName Node { get; } = node;

    /// <summary>The target on the callee's node.</summary>
    public PartisanTarget Target { get; } = target;

    /// <summary>Completes with the reply, or fails with a <see cref="CallFailedException"/>.</summary>
    public Task<object?> Reply => _completion.Task;

    public void Complete(object? response) => _completion.TrySetResult(response);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
