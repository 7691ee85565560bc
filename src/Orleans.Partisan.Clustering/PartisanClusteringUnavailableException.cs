namespace Orleans.Partisan.Clustering;

/// <summary>
/// Thrown by a table operation when no seed leading a majority answered within
/// <see cref="PartisanClusteringOptions.RequestTimeout"/>; the message names every seed tried and what each said.
/// </summary>
public sealed class PartisanClusteringUnavailableException : OrleansException
{
    /// <summary>Creates the exception with its message.</summary>
    public PartisanClusteringUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public PartisanClusteringUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public PartisanClusteringUnavailableException()
    {
    }
}
