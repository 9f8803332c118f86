namespace CustomerCraft.Tests;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class Repository
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "CustomerCraft.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} contains CustomerCraft.sln.");
    });

    /// <summary>The repository's root directory.</summary>
    public static string Root => s_root.Value;

    /// <summary>A path under the root.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);
}
