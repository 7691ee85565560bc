namespace Orleans.Partisan;

/// <summary>A message could not be serialized; nothing was sent.</summary>
[GenerateSerializer, Alias("partisan.MessageSerializationException")]
public sealed class MessageSerializationException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public MessageSerializationException(Type messageType, Exception innerException)
        : base($"A message of type '{messageType}' could not be serialized: {innerException.Message} Mark it [GenerateSerializer] (with [Id] on its members).", innerException)
    {
    }
}
