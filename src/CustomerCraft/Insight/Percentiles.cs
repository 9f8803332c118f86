namespace CustomerCraft.Insight;

/// <summary>
/// Percentiles by linear interpolation between closest ranks (Hyndman and Fan's type 7, as in
/// Excel's <c>PERCENTILE.INC</c> and NumPy's default): for ascending values x[0..n-1] and
/// p = numerator / denominator, h = (n - 1) p and the percentile is
/// x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). The median of an even count is the
/// mean of the two middle values. Computed exactly in integers and rounded to the nearest tick.
/// </summary>
internal static class Percentiles
{
    /// <summary>The percentile <paramref name="numerator"/> / <paramref name="denominator"/> of <paramref name="sorted"/> (ascending, not empty).</summary>
    public static long Interpolate(ReadOnlySpan<long> sorted, int numerator, int denominator)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        if (denominator <= 0 || numerator < 0 || numerator > denominator)
        {
            throw new ArgumentOutOfRangeException(nameof(numerator), "The percentile must be between 0 and 1.");
        }

        long scaled = (long)(sorted.Length - 1) * numerator; // h * denominator
        int k = (int)(scaled / denominator);
        long remainder = scaled % denominator;
        if (remainder == 0)
        {
            return sorted[k];
        }

        // x[k] + (x[k+1] - x[k]) * remainder / denominator, rounded half up; Int128 cannot overflow.
        Int128 step = ((Int128)sorted[k + 1] - sorted[k]) * remainder;
        Int128 rounded = ((step * 2) + denominator) / (2 * (Int128)denominator);
        return (long)(sorted[k] + rounded);
    }
}
