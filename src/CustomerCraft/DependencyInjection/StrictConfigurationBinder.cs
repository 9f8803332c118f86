using System.ComponentModel;
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
        // Unknown keys and unconvertible values first, all of them, each with its path: the
        // binder stops at the first, and names an unknown key only by the type it was binding.
        var errors = new List<string>();
        FindBindingErrors(configuration, typeof(CustomerCraftOptions), errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), errors);
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

    /// <summary>Walks the configuration beside the options types and collects keys no property binds and values that do not convert.</summary>
    private static void FindBindingErrors(IConfiguration section, Type type, List<string> errors)
    {
        foreach (IConfigurationSection child in section.GetChildren())
        {
            PropertyInfo? property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is null || !property.SetMethod.IsPublic)
            {
                errors.Add($"{child.Path}: not a known setting; check the spelling against docs/configuration.md.");
                continue;
            }

            Type propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                Type valueType = propertyType.GetGenericArguments()[1];
                foreach (IConfigurationSection entry in child.GetChildren())
                {
                    if (IsOptionsType(valueType))
                    {
                        FindBindingErrors(entry, valueType, errors);
                    }
                }
            }
            else if (IsOptionsType(propertyType))
            {
                if (child.Value is not null)
                {
                    errors.Add($"{child.Path}: '{child.Value}' is a single value where a group of settings is expected.");
                }

                FindBindingErrors(child, propertyType, errors);
            }
            else if (child.Value is { } value && propertyType != typeof(string) && !Converts(value, propertyType))
            {
                errors.Add($"{child.Path}: '{value}' is not a valid {Describe(propertyType)}.");
            }
        }
    }

    private static bool Converts(string value, Type type)
    {
        if (value.Length == 0)
        {
            // The binder treats an empty value as "not set".
            return true;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) =>
        type.IsEnum ? $"{type.Name} (use {string.Join(", ", Enum.GetNames(type))})"
        : type == typeof(TimeSpan) ? "time span such as \"30.00:00:00\""
        : type == typeof(decimal) ? "number"
        : type == typeof(int) ? "whole number"
        : type == typeof(bool) ? "true or false"
        : type.Name;

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
