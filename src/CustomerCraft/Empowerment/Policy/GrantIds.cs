using System.Buffers.Binary;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Creates grant ids: UUID version 7 (a millisecond timestamp, then random bits) written as 32
/// hex digits, so ids sort by time in any store. <see cref="Guid.CreateVersion7(DateTimeOffset)"/>
/// draws its random bits from the operating system's secure source, which costs more than the
/// rest of a grant; a grant id needs uniqueness, not secrecy, so the bits come from
/// <see cref="Random.Shared"/>.
/// </summary>
internal static class GrantIds
{
    public static string Next(DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        long milliseconds = Math.Max(0, timestamp.ToUnixTimeMilliseconds());
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, milliseconds);
        time[2..].CopyTo(bytes);                            // 48-bit timestamp, big-endian
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);        // version 7
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);        // RFC 9562 variant
        return Convert.ToHexStringLower(bytes);
    }
}
