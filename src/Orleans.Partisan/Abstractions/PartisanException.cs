namespace Orleans.Partisan;

/// <summary>The base of every error the overlay reports.</summary>
[GenerateSerializer, Alias("partisan.PartisanException")]
public class PartisanException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PartisanException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PartisanException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
