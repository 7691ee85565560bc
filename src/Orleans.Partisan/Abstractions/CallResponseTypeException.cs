namespace Orleans.Partisan;

/// <summary>A call's reply is not of the type the call asked for (<c>TResponse</c> of <see cref="IPartisan.CallAsync{TResponse}"/>).</summary>
[GenerateSerializer, Alias("partisan.CallResponseTypeException")]
public sealed class CallResponseTypeException : CallFailedException
{
    /// <summary>Creates the exception.</summary>
    public CallResponseTypeException(NodeName node, PartisanTarget target, PartisanRef call, Type expectedType, object? response)
        : base(node, target, call, $"got a reply of type {Describe(response)}, which is not the {expectedType.FullName} the call asked for.")
    {
        ExpectedType = expectedType.FullName ?? expectedType.Name;
        ResponseType = response?.GetType().FullName;
        Response = response;
    }

    /// <summary>The full name of the type the call asked for.</summary>
    [Id(0)]
    public string ExpectedType { get; }

    /// <summary>The full name of the reply's type; <see langword="null"/> when the reply was <see langword="null"/>.</summary>
    [Id(1)]
    public string? ResponseType { get; }

    /// <summary>The reply as it arrived.</summary>
    [Id(2)]
    public object? Response { get; }

    private static string Describe(object? response) => response is null ? "null" : response.GetType().FullName ?? response.GetType().Name;
}
