using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerCraft.DependencyInjection;

/// <summary>
/// Binds the CustomerCraft section strictly. The default binder silently drops a dictionary entry
/// whose value does not convert (a role whose limit reads "a hundred" would lose its limits) and
/// ignores misspelled keys; for an authority policy both must be errors.
/// </summary>
internal static class StrictConfigurationBinder
{
    private const string GenericFailure = "'ErrorOnUnknownConfiguration' was set and binding has failed";

    public static void Bind(IConfiguration configuration, CustomerCraftOptions options)
    {
        try
        {
            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), [Describe(ex, configuration)]);
        }
    }

    /// <summary>Finds the specific message in the binder's chain of exceptions and adds the path where the binder leaves it out.</summary>
    private static string Describe(Exception exception, IConfiguration configuration)
    {
        Exception specific = exception;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (!e.Message.StartsWith(GenericFailure, StringComparison.Ordinal))
            {
                specific = e;
                break;
            }
        }

        string message = specific.Message;
        const string NotFound = "properties were not found on the instance of ";
        int at = message.IndexOf(NotFound, StringComparison.Ordinal);
        if (at >= 0)
        {
            // "... were not found on the instance of RoleOptions: 'Rnak'": name every path with that key.
            string[] keys = message[(message.IndexOf(':', at) + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(k => k.Trim('\'')).ToArray();
            IEnumerable<string> paths = configuration.AsEnumerable()
                .Select(pair => pair.Key)
                .Where(key => keys.Any(k => key.EndsWith(":" + k, StringComparison.OrdinalIgnoreCase) || key.Contains(":" + k + ":", StringComparison.OrdinalIgnoreCase)))
                .Select(key => TrimToKey(key, keys))
                .Distinct(StringComparer.OrdinalIgnoreCase);
            return $"{string.Join(", ", paths)}: not a known setting ({message}). Check the spelling against docs/configuration.md.";
        }

        return message;
    }

    private static string TrimToKey(string path, string[] keys)
    {
        foreach (string key in keys)
        {
            int index = path.IndexOf(":" + key + ":", StringComparison.OrdinalIgnoreCase);
            if (index >= 0)
            {
                return path[..(index + key.Length + 1)];
            }
        }

        return path;
    }
}
