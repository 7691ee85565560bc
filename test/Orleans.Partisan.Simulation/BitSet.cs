namespace Orleans.Partisan.Simulation;

/// <summary>A growable set of small non-negative integers, for the causal checker's histories.</summary>
internal sealed class BitSet
{
    private ulong[] _words;

    public BitSet(int capacity = 64) => _words = new ulong[Math.Max(1, (capacity + 63) / 64)];

    private BitSet(ulong[] words) => _words = words;

    public bool this[int bit] => (bit >> 6) < _words.Length && (_words[bit >> 6] & (1UL << bit)) != 0;

    public void Set(int bit)
    {
        var word = bit >> 6;
        if (word >= _words.Length)
        {
            Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
        }

        _words[word] |= 1UL << bit;
    }

    public BitSet Clone() => new((ulong[])_words.Clone());

    /// <summary>Adds every member of <paramref name="other"/>.</summary>
    public void Or(BitSet other)
    {
        if (other._words.Length > _words.Length)
        {
            Array.Resize(ref _words, other._words.Length);
        }

        for (var i = 0; i < other._words.Length; i++)
        {
            _words[i] |= other._words[i];
        }
    }

    /// <summary>The first member of this set that is in <paramref name="within"/> and not in <paramref name="excluded"/>, or -1.</summary>
    public int FirstIn(BitSet within, BitSet excluded)
    {
        var length = Math.Min(_words.Length, within._words.Length);
        for (var i = 0; i < length; i++)
        {
            var word = _words[i] & within._words[i] & ~(i < excluded._words.Length ? excluded._words[i] : 0);
            if (word != 0)
            {
                return (i << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
            }
        }

        return -1;
    }
}
