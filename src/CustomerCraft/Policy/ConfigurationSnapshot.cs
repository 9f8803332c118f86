using Microsoft.Extensions.Configuration;

namespace CustomerCraft.Policy;

/// <summary>Every key and value below a configuration section, with keys relative to it.</summary>
internal static class ConfigurationSnapshot
{
    /// <summary>The section's own keys (relative), each once, as the configuration resolves them.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Read(IConfiguration configuration) =>
        configuration.AsEnumerable(makePathsRelative: true).Where(pair => pair.Key.Length > 0);

    /// <summary>A fingerprint of the section's content: equal fingerprints mean the same keys and values.</summary>
    public static string Fingerprint(IConfiguration configuration)
    {
        var pairs = Read(configuration).ToList();
        pairs.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Key, b.Key));
        var text = new System.Text.StringBuilder();
        foreach (KeyValuePair<string, string?> pair in pairs)
        {
            text.Append(pair.Key).Append('=').Append(pair.Value).Append('\n');
        }

        return text.ToString();
    }
}
