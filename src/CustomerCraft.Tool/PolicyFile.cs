using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace CustomerCraft.Tool;

/// <summary>Reads a JSON file (an appsettings file or any file holding the policy section) as configuration.</summary>
internal static class PolicyFile
{
    /// <summary>The policy section of <paramref name="path"/>; a missing or unreadable file is exit code 3, a file without the section exit code 1.</summary>
    public static IConfigurationSection Section(string path, string section)
    {
        IConfigurationRoot root = Read(path);
        IConfigurationSection found = root.GetSection(section);
        if (!found.Exists())
        {
            throw new ToolException($"{path}: no '{section}' section; name the policy's section with --section.", ExitCodes.PolicyInvalidOrTestFailed);
        }

        return found;
    }

    public static IConfigurationRoot Read(string path)
    {
        string full = Existing(path);
        try
        {
            return new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or JsonException or IOException or UnauthorizedAccessException)
        {
            throw new ToolException($"{path}: cannot be read as JSON ({Inner(ex).Message.TrimEnd('.')}).", ExitCodes.InputUnreadable);
        }
    }

    /// <summary>The file's full path, or exit code 3 when it does not exist.</summary>
    public static string Existing(string path)
    {
        string full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw new ToolException($"{path}: no such file.", ExitCodes.InputUnreadable);
    }

    private static Exception Inner(Exception ex) => ex.InnerException is { } inner ? Inner(inner) : ex;
}
