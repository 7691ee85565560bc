using System.Buffers;
using Orleans.Partisan.SerializationGuard;
using Orleans.Serialization;

namespace Orleans.Partisan.Clustering.TableService;

/// <summary>
/// Decodes a table-service frame (a request at a seed, a response at a client) after checking it as the
/// overlay checks its frames: one serialized value, nesting and lengths within bounds
/// (<see cref="SerializedFieldScanner"/>), decoded with an allocation budget when its declared collection
/// lengths are out of proportion to its size (<see cref="BudgetedInputStream"/>).
/// </summary>
internal static class FrameDecoder
{
    /// <summary>The value of type <typeparamref name="T"/> in <paramref name="frame"/>.</summary>
    /// <exception cref="InvalidDataException">The frame is malformed, holds another type or nothing, or Orleans' serializer could not read it (the inner exception).</exception>
    public static T Decode<T>(Serializer serializer, byte[] frame)
        where T : class
    {
        var input = new ReadOnlySequence<byte>(frame);
        var reader = new SequenceReader<byte>(input);
        long claims = 0;
        SerializedFieldScanner.ScanField(ref reader, ref claims);
        if (!reader.End)
        {
            throw new InvalidDataException($"The frame has {reader.Remaining} bytes after its value.");
        }

        try
        {
            T? value;
            if (SerializedFieldScanner.IsCompact(claims, frame.Length))
            {
                value = serializer.Deserialize<T>(frame);
            }
            else
            {
                using var stream = new BudgetedInputStream(input);
                value = serializer.Deserialize<T>(stream);
            }

            return value ?? throw new InvalidDataException($"The frame holds no {typeof(T).Name}.");
        }
        catch (Exception exception) when (exception is not (InvalidDataException or OutOfMemoryException))
        {
            throw new InvalidDataException($"The frame could not be deserialized as a {typeof(T).Name}: {exception.Message}", exception);
        }
    }
}
