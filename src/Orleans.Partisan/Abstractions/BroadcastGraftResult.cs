namespace Orleans.Partisan;

/// <summary>A handler's answer to a GRAFT (<c>graft/1</c>): the payload, stale, or an error.</summary>
[GenerateSerializer, Immutable, Alias("partisan.BroadcastGraftResult")]
public sealed record BroadcastGraftResult
{
    private BroadcastGraftResult(BroadcastGraftStatus status, object? payload, string? error)
    {
        Status = status;
        Payload = payload;
        Error = error;
    }

    /// <summary>The handler has nothing newer to give for the message: nothing is sent.</summary>
    public static BroadcastGraftResult Stale { get; } = new(BroadcastGraftStatus.Stale, null, null);

    /// <summary>What the answer is.</summary>
    [Id(0)]
    public BroadcastGraftStatus Status { get; }

    /// <summary>The payload, when <see cref="Status"/> is <see cref="BroadcastGraftStatus.Found"/>.</summary>
    [Id(1)]
    public object? Payload { get; }

    /// <summary>Why the handler could not answer, when <see cref="Status"/> is <see cref="BroadcastGraftStatus.Error"/>.</summary>
    [Id(2)]
    public string? Error { get; }

    /// <summary>The handler has the message: <paramref name="payload"/> is sent to the silo that asked.</summary>
    public static BroadcastGraftResult Found(object payload) => new(BroadcastGraftStatus.Found, payload ?? throw new ArgumentNullException(nameof(payload)), null);

    /// <summary>The handler failed to look the message up; <paramref name="error"/> is logged.</summary>
    public static BroadcastGraftResult Failed(string error) => new(BroadcastGraftStatus.Error, null, error ?? throw new ArgumentNullException(nameof(error)));
}

/// <summary>The kinds of answer to a GRAFT.</summary>
[GenerateSerializer, Alias("partisan.BroadcastGraftStatus")]
public enum BroadcastGraftStatus
{
    /// <summary>The handler has nothing newer to give.</summary>
    Stale,

    /// <summary>The handler has the payload.</summary>
    Found,

    /// <summary>The handler failed.</summary>
    Error,
}
