using System.Collections.Concurrent;
using System.Text;

namespace Orleans.Partisan.Transport;

/// <summary>
/// The named targets frames arrive for, so that decoding a frame's target reuses one
/// <see cref="NamedTarget"/> per name instead of allocating the target and its name every time.
/// </summary>
/// <remarks>Holds at most <see cref="Capacity"/> names; beyond that, targets are decoded afresh.</remarks>
internal sealed class TargetNameCache
{
    /// <summary>The most names kept.</summary>
    public const int Capacity = 4096;

    /// <summary>The longest name, in UTF-8 bytes, a frame may carry.</summary>
    public const int MaxNameBytes = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ConcurrentDictionary<string, NamedTarget> _targets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NamedTarget>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    public TargetNameCache() => _byChars = _targets.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The target named by the UTF-8 bytes <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not UTF-8, or the name is empty.</exception>
    public NamedTarget Get(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            throw new InvalidDataException("The frame's target has an empty name.");
        }

        Span<char> chars = stackalloc char[MaxNameBytes];
        int length;
        try
        {
            length = StrictUtf8.GetChars(name, chars);
        }
        catch (DecoderFallbackException exception)
        {
            throw new InvalidDataException("The frame's target name is not valid UTF-8.", exception);
        }

        var text = chars[..length];
        if (_byChars.TryGetValue(text, out var target))
        {
            return target;
        }

        target = new NamedTarget(new string(text));
        if (_targets.Count < Capacity)
        {
            target = _targets.GetOrAdd(target.Name, target);
        }

        return target;
    }
}
