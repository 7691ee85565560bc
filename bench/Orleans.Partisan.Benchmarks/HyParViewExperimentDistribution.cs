namespace Orleans.Partisan.Benchmarks;

/// <summary>The minimum, maximum, mean and standard deviation of whole numbers.</summary>
internal readonly record struct HyParViewExperimentDistribution(int Min, int Max, double Mean, double StdDev)
{
    /// <summary>The distribution of <paramref name="values"/> (population standard deviation).</summary>
    public static HyParViewExperimentDistribution Of(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return new HyParViewExperimentDistribution(0, 0, double.NaN, double.NaN);
        }

        int min = int.MaxValue, max = int.MinValue;
        double sum = 0;
        foreach (var value in values)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
            sum += value;
        }

        var mean = sum / values.Count;
        double squares = 0;
        foreach (var value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return new HyParViewExperimentDistribution(min, max, mean, Math.Sqrt(squares / values.Count));
    }
}
