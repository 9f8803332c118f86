using System.Globalization;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The lengths the schema gives identifiers. PostgreSQL would refuse a longer value with a
/// generic "value too long" and SQLite would store it; both are worse than naming the value.
/// </summary>
internal static class ColumnLimits
{
    public const int Id = 128;
    public const int IdempotencyKey = 256;
    public const int Currency = 3;
    public const int VoidReason = 1024;

    /// <summary>Amounts are stored in ten-thousandths so that sums are exact integers in SQL.</summary>
    public const decimal UnitsPerAmount = 10_000m;

    /// <summary>The amount in ten-thousandths; an amount with more decimals is refused by name rather than rounded by one engine and kept by the other.</summary>
    public static long ToUnits(decimal amount, string name)
    {
        decimal scaled = amount * UnitsPerAmount;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue || scaled < long.MinValue)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name}: the EF Core stores keep amounts to four decimal places; {amount} has more."), name);
        }

        return (long)scaled;
    }

    public static void Check(string? value, int max, string name)
    {
        if (value is not null && value.Length > max)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} is {value.Length} characters long ('{value[..Math.Min(value.Length, 40)]}...'); the EF Core stores keep at most {max}."),
                name);
        }
    }
}
