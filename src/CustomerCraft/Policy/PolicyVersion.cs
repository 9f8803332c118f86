using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CustomerCraft.Policy;

/// <summary>
/// A policy's version: the first 64 bits of the SHA-256 of its content in a canonical form (every
/// setting, keys sorted ignoring case), so the same policy always has the same version wherever it
/// is compiled, and a decision in the log traces to the exact policy that made it.
/// </summary>
internal static class PolicyVersion
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static long Of(CustomerCraftOptions options)
    {
        JsonNode? tree = JsonSerializer.SerializeToNode(options, s_json);
        var text = new StringBuilder();
        Write(tree, text);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>The version as people read it: 16 hexadecimal digits.</summary>
    public static string Format(long version) => version.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject obj:
                text.Append('{');
                foreach (KeyValuePair<string, JsonNode?> pair in obj.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(pair.Key.ToUpperInvariant()).Append(':');
                    Write(pair.Value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                foreach (JsonNode? item in array)
                {
                    Write(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case null:
                text.Append("null");
                break;
            case JsonValue value when value.TryGetValue(out decimal number):
                // 100 and 100.00 are the same limit: decimals keep their written scale, so normalise it.
                text.Append(number.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }
}
