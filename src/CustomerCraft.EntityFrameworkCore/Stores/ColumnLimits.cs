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
