namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Fingerprints the parts of a request that conditions read but a grant record does not keep, so
/// that an idempotent retry can be told from a different request. A deterministic 64-bit FNV-1a
/// hash (the same in every process, so a durable store can compare it), computed without
/// allocating anything but the 16-character result, and that only for a context not seen
/// recently (see <see cref="Text"/>). Reason codes and attributes are combined
/// order-independently: a retry that lists them in another order is the same request.
/// </summary>
internal static class RequestFingerprint
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static string Of(ResolutionRequest request)
    {
        ulong hash = Offset;
        hash = Mix(hash, 1, Hash(request.CustomerSegment, ignoreCase: true));
        hash = Mix(hash, 2, Hash(request.Channel, ignoreCase: true));
        if (request.ReasonCodes is { Count: > 0 } codes)
        {
            ulong set = 0;
            for (int i = 0; i < codes.Count; i++)
            {
                set += Hash(codes[i], ignoreCase: true);
            }

            hash = Mix(hash, 3, set);
        }

        if (request.CustomerSince is { } since)
        {
            hash = Mix(hash, 4, (ulong)since.UtcTicks);
        }

        if (request.Attributes is { Count: > 0 } attributes)
        {
            ulong set = 0;
            foreach (KeyValuePair<string, string> pair in attributes)
            {
                set += Mix(Hash(pair.Key, ignoreCase: false), 0, Hash(pair.Value, ignoreCase: false));
            }

            hash = Mix(hash, 5, set);
        }

        return Text(hash);
    }

    /// <summary>
    /// The fingerprint's text, shared by every grant with the same context: most grants repeat a
    /// handful of contexts (segment, channel, reason codes), and each in-memory grant record keeps
    /// its fingerprint for as long as the grant, so a 56-byte string per grant is memory the ledger
    /// need not hold (issue 17, goal 4). A small direct-mapped cache: a slot holds the last
    /// fingerprint that hashed to it, and is replaced, never locked, by one reference write.
    /// </summary>
    internal static string Text(ulong hash)
    {
        ref Cached? slot = ref Recent[(int)(hash % (ulong)Recent.Length)];
        if (Volatile.Read(ref slot) is { } cached && cached.Hash == hash)
        {
            return cached.Text;
        }

        string text = hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        Volatile.Write(ref slot, new Cached(hash, text));
        return text;
    }

    // A prime number of slots, so that hashes that differ only in their high bits spread out.
    private static readonly Cached?[] Recent = new Cached?[251];

    private sealed class Cached(ulong hash, string text)
    {
        public ulong Hash { get; } = hash;

        public string Text { get; } = text;
    }

    private static ulong Mix(ulong hash, byte tag, ulong value)
    {
        hash = (hash ^ tag) * Prime;
        for (int shift = 0; shift < 64; shift += 8)
        {
            hash = (hash ^ ((value >> shift) & 0xFF)) * Prime;
        }

        return hash;
    }

    private static ulong Hash(string? text, bool ignoreCase)
    {
        if (text is null)
        {
            return 0;
        }

        ulong hash = Offset;
        foreach (char c in text)
        {
            char ch = ignoreCase ? char.ToUpperInvariant(c) : c;
            hash = (hash ^ (byte)ch) * Prime;
            hash = (hash ^ (byte)(ch >> 8)) * Prime;
        }

        return hash;
    }
}
