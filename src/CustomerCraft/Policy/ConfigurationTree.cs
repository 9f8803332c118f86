using Microsoft.Extensions.Configuration;

namespace CustomerCraft.Policy;

/// <summary>
/// A configuration section read once into a tree of keys. Walking an <see cref="IConfiguration"/>
/// with <c>GetChildren</c> costs a pass over every key of every provider per section, which makes a
/// large policy quadratic to bind; the tree is built from one enumeration and then walked freely.
/// </summary>
internal sealed class ConfigurationTree
{
    private readonly Dictionary<string, ConfigurationTree> _byKey = new(StringComparer.OrdinalIgnoreCase);
    private List<ConfigurationTree>? _sorted;

    private ConfigurationTree(string key, string path)
    {
        Key = key;
        Path = path;
    }

    /// <summary>The last segment of the key, as configured.</summary>
    public string Key { get; }

    /// <summary>The full path, for error messages.</summary>
    public string Path { get; }

    /// <summary>The value; <see langword="null"/> for a group or a JSON null.</summary>
    public string? Value { get; private set; }

    /// <summary>The children in configuration order (numbers numerically, then names).</summary>
    public IReadOnlyList<ConfigurationTree> Children => _sorted ??= SortChildren();

    /// <summary>Reads every key below <paramref name="configuration"/>; paths in errors start with <paramref name="path"/>.</summary>
    public static ConfigurationTree Read(IConfiguration configuration, string path)
    {
        var root = new ConfigurationTree(string.Empty, path);
        foreach (KeyValuePair<string, string?> pair in ConfigurationSnapshot.Read(configuration))
        {
            ConfigurationTree node = root;
            foreach (string segment in pair.Key.Split(ConfigurationPath.KeyDelimiter))
            {
                node = node.Child(segment);
            }

            node.Value = pair.Value;
        }

        return root;
    }

    private ConfigurationTree Child(string key)
    {
        if (!_byKey.TryGetValue(key, out ConfigurationTree? child))
        {
            child = new ConfigurationTree(key, Path.Length == 0 ? key : $"{Path}{ConfigurationPath.KeyDelimiter}{key}");
            _byKey.Add(key, child);
            _sorted = null;
        }

        return child;
    }

    private List<ConfigurationTree> SortChildren()
    {
        var children = new List<ConfigurationTree>(_byKey.Values);
        children.Sort((a, b) => ConfigurationKeyComparer.Instance.Compare(a.Key, b.Key));
        return children;
    }
}
