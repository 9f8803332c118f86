using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Hashes the parts of a request that conditions read but a grant record does not keep, so that
/// an idempotent retry can be told from a different request. Computed only when granting.
/// </summary>
internal static class RequestFingerprint
{
    public static string Of(ResolutionRequest request)
    {
        var text = new StringBuilder();
        Append(text, "segment", request.CustomerSegment?.ToUpperInvariant());
        Append(text, "channel", request.Channel?.ToUpperInvariant());
        if (request.ReasonCodes is { Count: > 0 } codes)
        {
            // Reason codes are a set: order and case do not make a different request.
            Append(text, "reasons", string.Join(',', codes.Select(c => c.ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal)));
        }

        Append(text, "since", request.CustomerSince?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        if (request.Attributes is { Count: > 0 } attributes)
        {
            foreach (KeyValuePair<string, string> pair in attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Append(text, "attr:" + pair.Key, pair.Value);
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Append(StringBuilder text, string name, string? value)
    {
        if (value is not null)
        {
            // Length-prefixed so that no two different contexts produce the same text.
            text.Append(name.Length).Append(':').Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append(';');
        }
    }
}
