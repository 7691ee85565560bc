namespace Orleans.Partisan;

/// <summary>A broadcast named a handler that is not registered on this silo.</summary>
[GenerateSerializer, Alias("partisan.UnknownBroadcastHandlerException")]
public sealed class UnknownBroadcastHandlerException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public UnknownBroadcastHandlerException(string handler, IEnumerable<string> registered)
        : base($"Broadcast handler '{handler}' is not registered on this silo (registered: {Describe(registered)}); register it with AddPartisanBroadcastHandler<THandler>() on every silo.")
    {
        Handler = handler;
    }

    /// <summary>The unknown handler's name.</summary>
    [Id(0)]
    public string Handler { get; }

    private static string Describe(IEnumerable<string> registered)
    {
        var names = string.Join(", ", registered);
        return names.Length == 0 ? "none" : names;
    }
}
