using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerCraft.DependencyInjection;

/// <summary>
/// Binds the CustomerCraft section strictly. The default binder silently drops a dictionary entry
/// whose value does not convert (a role whose limit reads "a hundred" would lose its limits) and
/// ignores misspelled keys; for an authority policy both must be errors that name their path.
/// </summary>
internal static class StrictConfigurationBinder
{
    private const string GenericFailure = "'ErrorOnUnknownConfiguration' was set and binding has failed";

    public static void Bind(IConfiguration configuration, CustomerCraftOptions options)
    {
        // Unknown keys first, all of them, each with its path: the binder would name only the
        // first one, and only by the type it was binding.
        var unknown = new List<string>();
        FindUnknownKeys(configuration, typeof(CustomerCraftOptions), unknown);
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException(
                Options.DefaultName,
                typeof(CustomerCraftOptions),
                unknown.Select(path => $"{path}: not a known setting; check the spelling against docs/configuration.md."));
        }

        try
        {
            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), [Specific(ex)]);
        }
    }

    /// <summary>Walks the configuration beside the options types and collects keys no property binds.</summary>
    private static void FindUnknownKeys(IConfiguration section, Type type, List<string> unknown)
    {
        foreach (IConfigurationSection child in section.GetChildren())
        {
            PropertyInfo? property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is null || !property.SetMethod.IsPublic)
            {
                unknown.Add(child.Path);
                continue;
            }

            Type propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                Type valueType = propertyType.GetGenericArguments()[1];
                if (IsOptionsType(valueType))
                {
                    foreach (IConfigurationSection entry in child.GetChildren())
                    {
                        FindUnknownKeys(entry, valueType, unknown);
                    }
                }
            }
            else if (IsOptionsType(propertyType))
            {
                FindUnknownKeys(child, propertyType, unknown);
            }
        }
    }

    private static bool IsOptionsType(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("CustomerCraft", StringComparison.Ordinal) == true;

    /// <summary>Finds the specific message (it names the path and the value) in the binder's chain of exceptions.</summary>
    private static string Specific(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (!e.Message.StartsWith(GenericFailure, StringComparison.Ordinal))
            {
                return e.Message;
            }
        }

        return exception.Message;
    }
}
