namespace Orleans.Partisan.Fuzz;

/// <summary>
/// Hand-built serialized values that attack Orleans' decoder itself; each one crashed or swamped the
/// process before the overlay checked its input (see docs/security-testing.md). Kept as seeds and as
/// regression inputs.
/// </summary>
internal static class HostileValues
{
    // Orleans' tags: TagDelimited (0x20) with a well-known type id, VarInt field 0 (0x00), EndObject (0xE0).
    private const byte TagDelimitedWellKnown = 0x28;
    private const byte ObjectArrayId = 0x2F;
    private const byte Int32ArrayId = 0x33;

    /// <summary><c>object[]</c> inside <c>object[]</c>, <paramref name="depth"/> levels: Orleans recurses once a level, without a limit.</summary>
    public static byte[] DeepNesting(int depth)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < depth; i++)
        {
            bytes.Add(i == 0 ? TagDelimitedWellKnown : (byte)(TagDelimitedWellKnown | 1));
            bytes.Add(ObjectArrayId);
            bytes.Add(0x00);
            bytes.AddRange(Mutator.VarInt(1));
        }

        bytes.AddRange(Enumerable.Repeat((byte)0xE0, depth));
        return [.. bytes];
    }

    /// <summary>
    /// An <c>object[]</c> of <paramref name="count"/> empty <c>int[]</c>s, each declaring a length equal to the bytes
    /// left after it: Orleans allocates every declared length before reading elements, so the allocation is
    /// quadratic in the input's size.
    /// </summary>
    public static byte[] QuadraticClaims(int count)
    {
        var header = new List<byte> { TagDelimitedWellKnown, ObjectArrayId, 0x00 };
        header.AddRange(Mutator.VarInt((uint)count));
        const int each = 7;
        var total = header.Count + (count * each) + 1;
        var bytes = new List<byte>(header);
        for (var i = 0; i < count; i++)
        {
            bytes.Add(i == 0 ? (byte)(TagDelimitedWellKnown | 1) : TagDelimitedWellKnown);
            bytes.Add(Int32ArrayId);
            bytes.Add(0x00);
            var claim = (ulong)(total - bytes.Count - 3);
            var encoded = (claim << 3) | 4; // a 3-byte var-int
            bytes.Add((byte)encoded);
            bytes.Add((byte)(encoded >> 8));
            bytes.Add((byte)(encoded >> 16));
            bytes.Add(0xE0);
        }

        bytes.Add(0xE0);
        return [.. bytes];
    }

    /// <summary>A value of the type <paramref name="typeName"/>, encoded by name, with no fields.</summary>
    public static byte[] NamedType(string typeName)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(typeName);
        var bytes = new List<byte> { 0x30, 1, 0, 0, 0, 0 }; // TagDelimited, Encoded type: version 1, hash
        bytes.AddRange(Mutator.VarInt((uint)name.Length));
        bytes.AddRange(name);
        bytes.Add(0xE0);
        return [.. bytes];
    }
}
