using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace CustomerCraft.Policy;

/// <summary>
/// Every key and value below a configuration section, with keys relative to it, read the way the
/// configuration resolves them (a later provider wins) but in one pass over each provider's keys.
/// </summary>
/// <remarks>
/// <para>
/// Walking a section with <c>GetChildren</c> costs a pass over every key of every provider for each
/// section, which makes a large policy (300 roles by 20 actions) quadratic to read: tens of seconds.
/// So the providers' own key-value tables are read directly, once each, where they can be: the
/// <see cref="ConfigurationProvider"/> base class that JSON, in-memory, environment and command-line
/// providers share keeps them in its <c>Data</c> dictionary, and a chained configuration
/// (<c>AddConfiguration</c>) is followed into its inner configuration. A provider of any other kind
/// is walked key by key, which is slower but exact.
/// </para>
/// <para>
/// Reading the tables directly is also what keeps an empty value empty: the chained provider reports
/// an empty string as "not set", so <c>"Currency": ""</c> would silently bind as the default USD.
/// </para>
/// </remarks>
internal static class ConfigurationSnapshot
{
    private static readonly PropertyInfo? s_data = typeof(ConfigurationProvider).GetProperty("Data", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly ConcurrentDictionary<Type, FieldInfo?> s_rootFields = new();

    /// <summary>The section's own keys (relative), each once, with their values.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Read(IConfiguration configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (TryRootOf(configuration, out IConfigurationRoot? root, out string prefix))
        {
            ReadProviders(root, prefix, values);
        }
        else
        {
            foreach (KeyValuePair<string, string?> pair in configuration.AsEnumerable(makePathsRelative: true))
            {
                if (pair.Key.Length > 0)
                {
                    values[pair.Key] = pair.Value;
                }
            }
        }

        return values;
    }

    /// <summary>
    /// A fingerprint of the section's content, to tell a reload of this section from a reload of
    /// another one: equal keys and values give equal fingerprints. Each pair is hashed and the hashes
    /// are summed, so no sort or copy of the text is needed (a 42,000-key policy is fingerprinted in a
    /// few milliseconds); two independent 64-bit sums make an accidental equality of different content
    /// negligible. Fingerprints are compared only within one process.
    /// </summary>
    public static (ulong, ulong, int) Fingerprint(IConfiguration configuration)
    {
        ulong first = 0, second = 0;
        int count = 0;
        foreach (KeyValuePair<string, string?> pair in Read(configuration))
        {
            ulong key = Fnv1a(pair.Key, ignoreCase: true);
            ulong value = pair.Value is null ? 0x5bd1e995UL : Fnv1a(pair.Value, ignoreCase: false);
            first += Mix(key ^ (value * 31));
            second += Mix((key * 0x100000001B3) + value);
            count++;
        }

        return (first, second, count);

        // FNV-1a over the characters (keys ignoring case, as configuration compares them).
        static ulong Fnv1a(string text, bool ignoreCase)
        {
            ulong hash = 0xCBF29CE484222325;
            foreach (char c in text)
            {
                hash = (hash ^ (ignoreCase ? char.ToUpperInvariant(c) : c)) * 0x100000001B3;
            }

            return hash;
        }

        static ulong Mix(ulong x)
        {
            x ^= x >> 33;
            x *= 0xFF51AFD7ED558CCD;
            x ^= x >> 33;
            return x;
        }
    }

    /// <summary>Adds every key below <paramref name="prefix"/> (relative to it) from each provider of <paramref name="root"/>, later providers winning.</summary>
    private static void ReadProviders(IConfigurationRoot root, string prefix, Dictionary<string, string?> values)
    {
        foreach (IConfigurationProvider provider in root.Providers)
        {
            if (provider is ChainedConfigurationProvider chained && TryRootOf(chained.Configuration, out IConfigurationRoot? inner, out string innerPrefix))
            {
                ReadProviders(inner, Join(innerPrefix, prefix), values);
            }
            else if (provider is ConfigurationProvider && s_data?.GetValue(provider) is IDictionary<string, string?> data)
            {
                foreach (KeyValuePair<string, string?> pair in data)
                {
                    if (Relative(pair.Key, prefix) is { } key)
                    {
                        values[key] = pair.Value;
                    }
                }
            }
            else
            {
                Walk(provider, prefix.Length == 0 ? null : prefix, prefix, values);
            }
        }
    }

    /// <summary>A provider that keeps no readable table: its keys one level at a time (exact, but a pass over the provider per section).</summary>
    private static void Walk(IConfigurationProvider provider, string? path, string prefix, Dictionary<string, string?> values)
    {
        foreach (string child in provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            string full = path is null ? child : ConfigurationPath.Combine(path, child);
            if (provider.TryGet(full, out string? value) && Relative(full, prefix) is { } key)
            {
                values[key] = value;
            }

            Walk(provider, full, prefix, values);
        }
    }

    private static string? Relative(string key, string prefix)
    {
        if (prefix.Length == 0)
        {
            return key.Length == 0 ? null : key;
        }

        return key.Length > prefix.Length + 1 && key[prefix.Length] == ':' && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? key[(prefix.Length + 1)..]
            : null;
    }

    private static string Join(string outer, string inner) =>
        outer.Length == 0 ? inner : inner.Length == 0 ? outer : ConfigurationPath.Combine(outer, inner);

    /// <summary>The root and path of a configuration: itself for a root, the root a section belongs to otherwise (when it can be known).</summary>
    private static bool TryRootOf(IConfiguration configuration, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IConfigurationRoot? root, out string prefix)
    {
        prefix = string.Empty;
        root = configuration as IConfigurationRoot;
        if (root is not null)
        {
            return true;
        }

        if (configuration is IConfigurationSection section)
        {
            // The framework's ConfigurationSection keeps its root in a private field: the only way to
            // reach the providers from a section. Any other section type falls back to the slow walk.
            FieldInfo? rootField = s_rootFields.GetOrAdd(configuration.GetType(), static type => type.GetField("_root", BindingFlags.Instance | BindingFlags.NonPublic));
            root = rootField?.GetValue(configuration) as IConfigurationRoot;
            prefix = section.Path;
        }

        return root is not null;
    }
}
