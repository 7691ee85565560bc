namespace Orleans.Partisan;

/// <summary>A message serialized to more bytes than the maximum frame size allows.</summary>
[GenerateSerializer, Alias("partisan.MessageTooLargeException")]
public sealed class MessageTooLargeException : PartisanException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(long size, int maximum)
        : base($"The message serialized to {size} bytes, more than the maximum frame size of {maximum} bytes (PartisanOptions.MaxFrameSize).")
    {
        Size = size;
        Maximum = maximum;
    }

    /// <summary>The serialized size.</summary>
    [Id(0)]
    public long Size { get; }

    /// <summary>The maximum frame size.</summary>
    [Id(1)]
    public int Maximum { get; }
}
