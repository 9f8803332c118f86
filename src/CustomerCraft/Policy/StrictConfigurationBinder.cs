using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace CustomerCraft.Policy;

/// <summary>
/// Binds the CustomerCraft section strictly and never throws: every key that is not a setting, every
/// value that does not convert, every list or group where a single value belongs (and the reverse) and
/// every empty value where a number, switch or time belongs is collected with its configuration path,
/// while everything else binds. The errors are then reported together with the policy's own errors,
/// so a policy file is fixed in one pass. The default binder silently drops a dictionary entry whose
/// value does not convert, ignores misspelled keys, stops at the first error and reports a list where a
/// string belongs as "Cannot create instance of type 'System.String'" with no path; for an authority
/// policy each of those must be an error that names its setting.
/// </summary>
internal static class StrictConfigurationBinder
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> s_properties = new();

    /// <summary>Binds <paramref name="configuration"/> onto <paramref name="options"/> and returns the errors, each starting with its path under <paramref name="path"/>.</summary>
    public static List<string> Bind(IConfiguration configuration, object options, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ConfigurationTree root = ConfigurationTree.Read(configuration, path);
        BindProperties(root, options, options.GetType(), errors);
        return errors;
    }

    private static void BindProperties(ConfigurationTree node, object target, Type type, List<string> errors)
    {
        Dictionary<string, PropertyInfo> properties = s_properties.GetOrAdd(type, static t => t
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase));

        foreach (ConfigurationTree child in node.Children)
        {
            if (!properties.TryGetValue(child.Key, out PropertyInfo? property))
            {
                errors.Add($"{child.Path}: not a known setting; check the spelling against docs/configuration.md.");
                continue;
            }

            if (TryBindValue(child, property.PropertyType, property.GetValue(target), errors, out object? value))
            {
                property.SetValue(target, value);
            }
        }
    }

    /// <summary>Binds one node to <paramref name="type"/>; false (with an error) when it does not fit, or when it says "not set".</summary>
    private static bool TryBindValue(ConfigurationTree node, Type type, object? existing, List<string> errors, out object? value)
    {
        value = null;
        Type? underlying = Nullable.GetUnderlyingType(type);
        Type target = underlying ?? type;

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (!IsGroup(node, "a group of named entries", errors))
            {
                return false;
            }

            Type valueType = target.GetGenericArguments()[1];
            var dictionary = (System.Collections.IDictionary)(existing ?? Activator.CreateInstance(target, StringComparer.OrdinalIgnoreCase)!);
            foreach (ConfigurationTree entry in node.Children)
            {
                object? current = dictionary.Contains(entry.Key) ? dictionary[entry.Key] : null;
                if (TryBindValue(entry, valueType, current, errors, out object? entryValue))
                {
                    dictionary[entry.Key] = entryValue;
                }
            }

            value = dictionary;
            return true;
        }

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(List<>))
        {
            if (!IsGroup(node, "a list", errors))
            {
                return false;
            }

            Type itemType = target.GetGenericArguments()[0];
            var list = (System.Collections.IList)Activator.CreateInstance(target)!;
            foreach (ConfigurationTree item in node.Children)
            {
                if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{item.Path}: '{item.Key}' is a named entry where a list is expected; write the values as a JSON array.");
                    continue;
                }

                if (TryBindValue(item, itemType, null, errors, out object? itemValue))
                {
                    list.Add(itemValue);
                }
            }

            value = list;
            return true;
        }

        if (IsOptionsType(target))
        {
            if (!IsGroup(node, "a group of settings", errors))
            {
                return false;
            }

            object instance = existing ?? Activator.CreateInstance(target)!;
            BindProperties(node, instance, target, errors);
            value = instance;
            return true;
        }

        // A single value.
        if (node.Children.Count > 0)
        {
            string what = node.Children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)) ? "a list" : "a group of settings";
            errors.Add($"{node.Path}: {what} where a single {Describe(target)} is expected.");
            return false;
        }

        if (node.Value is null)
        {
            // JSON null: not set, the default stays.
            return false;
        }

        if (target == typeof(string))
        {
            value = node.Value;
            return true;
        }

        if (node.Value.Length == 0)
        {
            errors.Add($"{node.Path}: empty; give a {Describe(target)} or remove the setting to use its default.");
            return false;
        }

        if (TryConvert(node.Value, target, out value))
        {
            return true;
        }

        errors.Add($"{node.Path}: '{node.Value}' is not a valid {Describe(target)}.");
        return false;
    }

    /// <summary>A group, a list or a dictionary may be empty (an empty JSON object or array binds as an empty value) but never a single value.</summary>
    private static bool IsGroup(ConfigurationTree node, string what, List<string> errors)
    {
        if (node.Children.Count == 0 && !string.IsNullOrEmpty(node.Value))
        {
            errors.Add($"{node.Path}: '{node.Value}' is a single value where {what} is expected.");
            return false;
        }

        return true;
    }

    private static bool TryConvert(string text, Type type, out object? value)
    {
        value = null;
        CultureInfo invariant = CultureInfo.InvariantCulture;
        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean when bool.TryParse(text, out bool b):
                value = b;
                return true;
            case TypeCode.Int32 when !type.IsEnum && int.TryParse(text, NumberStyles.Integer, invariant, out int i):
                value = i;
                return true;
            case TypeCode.Int64 when !type.IsEnum && long.TryParse(text, NumberStyles.Integer, invariant, out long l):
                value = l;
                return true;
            // A dot for decimals, no thousands separators: "1,5" must be an error, not 15.
            case TypeCode.Decimal when decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, invariant, out decimal m):
                value = m;
                return true;
            case TypeCode.Double when double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, invariant, out double d) && double.IsFinite(d):
                value = d;
                return true;
        }

        if (type.IsEnum)
        {
            // Names only: a number would bind to an undefined member.
            if (text.Split(',').All(part => Enum.GetNames(type).Any(n => string.Equals(n, part.Trim(), StringComparison.OrdinalIgnoreCase)))
                && Enum.TryParse(type, text, ignoreCase: true, out object? parsed))
            {
                value = parsed;
                return text.Contains(',', StringComparison.Ordinal) ? type.IsDefined(typeof(FlagsAttribute), inherit: false) : true;
            }

            return false;
        }

        if (type == typeof(TimeSpan))
        {
            bool ok = TimeSpan.TryParse(text, invariant, out TimeSpan span);
            value = span;
            return ok;
        }

        if (type == typeof(DateTimeOffset))
        {
            bool ok = DateTimeOffset.TryParse(text, invariant, DateTimeStyles.AssumeUniversal, out DateTimeOffset time);
            value = time;
            return ok;
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return false;
        }

        try
        {
            value = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
            return value is not null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) =>
        type.IsEnum ? $"{type.Name} (use {string.Join(", ", Enum.GetNames(type))})"
        : type == typeof(TimeSpan) ? "time span such as \"30.00:00:00\""
        : type == typeof(decimal) || type == typeof(double) ? "number"
        : type == typeof(int) || type == typeof(long) ? "whole number"
        : type == typeof(bool) ? "true or false"
        : type == typeof(string) ? "text value"
        : type == typeof(DateTimeOffset) ? "date and time such as \"2026-11-20T17:30:00-05:00\""
        : type.Name;

    private static bool IsOptionsType(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("CustomerCraft", StringComparison.Ordinal) == true;
}
