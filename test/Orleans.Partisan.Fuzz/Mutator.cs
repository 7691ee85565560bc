namespace Orleans.Partisan.Fuzz;

/// <summary>
/// Seeded, reproducible mutation of inputs: one seed and one iteration number always give the same input.
/// The mutations are the classic byte-level ones (bit flips, interesting values, insertions, deletions,
/// duplications, truncation, splicing with another seed) plus length-aware ones: a var-int or 32-bit
/// length written over a random position, since most refusals the decoders owe are about lengths.
/// </summary>
internal sealed class Mutator(IReadOnlyList<byte[]> seeds, int maxLength)
{
    private static readonly uint[] Interesting =
    [
        0, 1, 2, 7, 8, 0x3F, 0x40, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000,
        1024, 1025, 4096, 65535, 65536, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
    ];

    /// <summary>The input of iteration <paramref name="iteration"/> of the run seeded <paramref name="seed"/>.</summary>
    public byte[] Next(int seed, long iteration)
    {
        var random = new Random(HashCode.Combine(seed, iteration));
        var input = new List<byte>(seeds[random.Next(seeds.Count)]);
        var rounds = 1 + random.Next(random.Next(2) == 0 ? 2 : 8);
        for (var i = 0; i < rounds; i++)
        {
            Mutate(random, input);
        }

        if (input.Count > maxLength)
        {
            input.RemoveRange(maxLength, input.Count - maxLength);
        }

        return [.. input];
    }

    private void Mutate(Random random, List<byte> input)
    {
        var at = input.Count == 0 ? 0 : random.Next(input.Count);
        switch (random.Next(11))
        {
            case 0 when input.Count > 0:
                input[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when input.Count > 0:
                input[at] = (byte)random.Next(256);
                break;
            case 2 when input.Count > 0:
                input[at] = (byte)Interesting[random.Next(Interesting.Length)];
                break;
            case 3:
                input.InsertRange(at, RandomBytes(random, 1 + random.Next(16)));
                break;
            case 4 when input.Count > 1:
                input.RemoveRange(at, Math.Min(1 + random.Next(16), input.Count - at));
                break;
            case 5 when input.Count > 1:
                var start = random.Next(input.Count);
                var length = 1 + random.Next(Math.Min(64, input.Count - start));
                input.InsertRange(at, input.GetRange(start, length));
                break;
            case 6 when input.Count > 1:
                input.RemoveRange(at, input.Count - at);
                break;
            case 7:
                var other = seeds[random.Next(seeds.Count)];
                if (other.Length > 0)
                {
                    var from = random.Next(other.Length);
                    input.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 1 + random.Next(128))).ToArray());
                }

                break;
            case 8:
                Overwrite(input, at, VarInt(Interesting[random.Next(Interesting.Length)] + (uint)random.Next(3) - 1));
                break;
            case 9:
                Overwrite(input, at, BitConverter.GetBytes(Interesting[random.Next(Interesting.Length)]));
                break;
            default:
                if (input.Count > 0)
                {
                    // Orleans' field tags: a wire type, a schema and a field id in one byte.
                    input[at] = (byte)((random.Next(8) << 5) | (random.Next(4) << 3) | random.Next(8));
                }

                break;
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void Overwrite(List<byte> input, int at, byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (at + i < input.Count)
            {
                input[at + i] = bytes[i];
            }
            else
            {
                input.Add(bytes[i]);
            }
        }
    }

    /// <summary>An Orleans var-int: the first byte's trailing zeros plus one give the length.</summary>
    public static byte[] VarInt(ulong value)
    {
        var bytes = new List<byte>();
        var width = 1;
        while (width < 9 && value >> (7 * width) != 0)
        {
            width++;
        }

        if (width == 9)
        {
            bytes.Add(0);
            bytes.AddRange(BitConverter.GetBytes(value));
            return [.. bytes];
        }

        var encoded = (value << width) | (1UL << (width - 1));
        for (var i = 0; i < width; i++)
        {
            bytes.Add((byte)(encoded >> (8 * i)));
        }

        return [.. bytes];
    }
}
