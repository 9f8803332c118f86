namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Amounts as whole minor units (cents for USD, thousandths of a day for a quantity with three
/// decimals) in a <see langword="long"/>: the engine compares and subtracts them with integer
/// instructions instead of <see langword="decimal"/> arithmetic, which costs several times more.
/// </summary>
/// <remarks>
/// Every configured limit and requested amount is at most 10^12 with at most 4 decimals, so it is
/// exact as minor units (at most 10^16). Scaled limits and cumulative usage can go further; they
/// saturate at <see cref="long.MaxValue"/>, which still compares correctly against any amount a
/// request can carry.
/// </remarks>
internal static class MinorUnits
{
    /// <summary>Marks "no limit of this kind" where a limit is a non-negative number of minor units.</summary>
    public const long None = -1;

    private static readonly long[] Powers =
    [
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    ];

    /// <summary>
    /// A non-negative amount in minor units, truncated toward zero past <paramref name="decimals"/>
    /// and saturated at <see cref="long.MaxValue"/>; negative amounts (never valid here) count as 0.
    /// </summary>
    public static long From(decimal value, int decimals)
    {
        // Only a policy that failed to compile (an unknown currency) has decimals out of this range.
        decimals = Math.Clamp(decimals, 0, 18);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        if (bits[3] < 0)
        {
            return 0;
        }

        int scale = (bits[3] >> 16) & 0xFF;
        if (bits[2] != 0)
        {
            return Slow(value, decimals);
        }

        ulong mantissa = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        if (scale > decimals)
        {
            int drop = scale - decimals;
            return drop > 18 ? 0 : Saturate(mantissa / (ulong)Powers[drop]);
        }

        if (scale == decimals)
        {
            return Saturate(mantissa);
        }

        ulong factor = (ulong)Powers[decimals - scale];
        return mantissa > (ulong)long.MaxValue / factor ? long.MaxValue : Saturate(mantissa * factor);

        static long Saturate(ulong minor) => minor > long.MaxValue ? long.MaxValue : (long)minor;

        static long Slow(decimal value, int decimals)
        {
            if (value >= (decimal)long.MaxValue / Powers[decimals])
            {
                return long.MaxValue;
            }

            decimal minor = decimal.Truncate(value * Powers[decimals]);
            return minor >= long.MaxValue ? long.MaxValue : (long)minor;
        }
    }

    /// <summary>
    /// A non-negative amount of <paramref name="from"/> decimals in <paramref name="to"/> decimals:
    /// truncated toward zero when there are fewer (as <see cref="From"/> truncates), saturated at
    /// <see cref="long.MaxValue"/> when there are more.
    /// </summary>
    public static long Rescale(long value, int from, int to)
    {
        if (to == from || value == long.MaxValue)
        {
            return value;
        }

        if (to < from)
        {
            return value / Powers[from - to];
        }

        long factor = Powers[to - from];
        return value > long.MaxValue / factor ? long.MaxValue : value * factor;
    }

    /// <summary>Minor units back to an amount, written with no more decimals than it needs (150, not 150.00).</summary>
    public static decimal ToDecimal(long minor, int decimals)
    {
        if (minor == long.MaxValue)
        {
            // Saturated: larger than any amount a request can carry.
            return decimal.MaxValue;
        }

        bool negative = minor < 0;
        ulong magnitude = negative ? (ulong)(-minor) : (ulong)minor;
        while (decimals > 0 && magnitude % 10 == 0)
        {
            magnitude /= 10;
            decimals--;
        }

        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, (byte)decimals);
    }

    /// <summary>
    /// Scales a limit by a factor, rounding down to whole minor units (never a fraction of a cent
    /// more), saturating at <see cref="long.MaxValue"/>.
    /// </summary>
    public static long Scale(long limit, in Factor factor)
    {
        if (factor.IsOne || limit == long.MaxValue)
        {
            return limit;
        }

        // A product that fits a long (nearly always) divides in one instruction; Int128 division is a call.
        long high = Math.BigMul(limit, factor.Numerator, out long low);
        if (high == 0 && low >= 0)
        {
            return low / factor.Denominator;
        }

        Int128 scaled = (Int128)limit * factor.Numerator / factor.Denominator;
        return scaled > long.MaxValue ? long.MaxValue : (long)scaled;
    }

    /// <summary>A positive multiplier as an exact fraction: <see cref="Numerator"/> / <see cref="Denominator"/>.</summary>
    internal readonly struct Factor
    {
        public static readonly Factor One = new(1, 1);

        private Factor(long numerator, long denominator)
        {
            Numerator = numerator;
            Denominator = denominator;
        }

        public long Numerator { get; }

        public long Denominator { get; }

        /// <summary>Whether the factor leaves a limit unchanged; the default (0/0, no multiplier at all) counts as one.</summary>
        public bool IsOne => Numerator == Denominator;

        /// <summary>The exact fraction of a multiplier (at most 1,000 with at most 18 decimals, as the compiler allows and combining caps).</summary>
        public static Factor Of(decimal multiplier)
        {
            Span<int> bits = stackalloc int[4];
            decimal.GetBits(multiplier, bits);
            int scale = (bits[3] >> 16) & 0xFF;
            ulong mantissa = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
            while (scale > 18 || (bits[2] != 0 || mantissa > long.MaxValue))
            {
                // More precision than a long holds: drop the last digit (a multiplier this long only
                // arises from multiplying several, and the dropped part is below 10^-17).
                multiplier = decimal.Round(multiplier, Math.Max(0, scale - 1), MidpointRounding.ToZero);
                decimal.GetBits(multiplier, bits);
                scale = (bits[3] >> 16) & 0xFF;
                mantissa = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
            }

            return new Factor((long)mantissa, Powers[scale]);
        }
    }
}
