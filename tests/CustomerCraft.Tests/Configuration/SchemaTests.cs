using System.Reflection;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace CustomerCraft.Tests.Configuration;

/// <summary>
/// Keeps <c>docs/customercraft.schema.json</c> in step with the options classes and checks that it
/// accepts the quick start's settings and rejects obvious mistakes.
/// </summary>
public sealed class SchemaTests
{
    private static string SchemaPath => Repository.File("docs", "customercraft.schema.json");

    private static string QuickStartSettingsPath =>
        Repository.File("samples", "CustomerCraft.Samples.QuickStart", "appsettings.json");

    [Fact]
    public async Task Schema_MatchesOptionsClasses()
    {
        JsonSchema schema = await LoadSchemaAsync();
        schema.Properties.Should().ContainKey(CustomerCraftOptions.SectionName);

        var problems = new List<string>();
        lock (s_compared)
        {
            s_compared.Clear();
        }

        CompareObject(typeof(CustomerCraftOptions), Resolve(schema.Properties[CustomerCraftOptions.SectionName]), CustomerCraftOptions.SectionName, problems);

        problems.Should().BeEmpty(
            "docs/customercraft.schema.json must describe exactly the public settable properties of the options classes; " +
            "update the schema (and docs/configuration.md) when an option is added, renamed or removed");
    }

    [Fact]
    public async Task Schema_AllowsOtherSectionsAndTheSchemaPropertyAtTheRoot()
    {
        JsonSchema schema = await LoadSchemaAsync();

        ICollection<ValidationError> errors = schema.Validate("""
            {
              "$schema": "docs/customercraft.schema.json",
              "Logging": { "LogLevel": { "Default": "Information" } },
              "AllowedHosts": "*"
            }
            """);

        errors.Should().BeEmpty(Describe(errors));
    }

    [Fact]
    public async Task QuickStartSettings_AreValidAgainstTheSchema()
    {
        JsonSchema schema = await LoadSchemaAsync();
        string json = await File.ReadAllTextAsync(QuickStartSettingsPath);

        ICollection<ValidationError> errors = schema.Validate(json);

        errors.Should().BeEmpty(Describe(errors));
    }

    [Fact]
    public async Task QuickStartSettings_PointEditorsAtTheSchema()
    {
        string json = await File.ReadAllTextAsync(QuickStartSettingsPath);
        using var document = System.Text.Json.JsonDocument.Parse(json);

        string reference = document.RootElement.GetProperty("$schema").GetString()!;
        string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(QuickStartSettingsPath)!, reference));

        resolved.Should().Be(Path.GetFullPath(SchemaPath));
    }

    [Fact]
    public async Task Schema_RejectsAMisspelledPropertyALowerCaseCurrencyAndANegativeRank()
    {
        JsonSchema schema = await LoadSchemaAsync();

        ICollection<ValidationError> errors = schema.Validate("""
            {
              "CustomerCraft": {
                "Empowerment": {
                  "Currency": "usd",
                  "Actions": { "Refund": {} },
                  "Roles": {
                    "Agent": {
                      "Rank": -1,
                      "Limits": { "Refund": { "PerIncident": { "Ammount": 100 } } }
                    }
                  }
                }
              }
            }
            """);

        List<ValidationError> all = Flatten(errors).ToList();
        all.Should().Contain(e => e.Kind == ValidationErrorKind.NoAdditionalPropertiesAllowed && e.Property == "Ammount", Describe(errors));
        all.Should().Contain(e => e.Kind == ValidationErrorKind.PatternMismatch && e.Property == "Currency", Describe(errors));
        all.Should().Contain(e => e.Kind == ValidationErrorKind.NumberTooSmall && e.Property == "Rank", Describe(errors));
    }

    [Theory]
    [InlineData("""{ "Empowerment": { "FirstDayOfWeek": "Funday" } }""", ValidationErrorKind.NotInEnumeration)]
    [InlineData("""{ "Empowerment": { "Currency": "US Dollar" } }""", ValidationErrorKind.PatternMismatch)]
    [InlineData("""{ "Empowerment": { "Roles": { "Agent": { "Rank": 1.5 } } } }""", ValidationErrorKind.IntegerExpected)]
    [InlineData("""{ "Empowerment": { "Roles": { "Agent": { "Rank": 1, "Limits": { "Refund": { "PerIncident": { "Amount": -5 } } } } } } }""", ValidationErrorKind.NumberTooSmall)]
    [InlineData("""{ "Empowerment": { "Roles": { "Agent": { "Rank": 1, "Limits": { "Refund": { "PerIncident": { "Amount": 5, "Count": -1 } } } } } } }""", ValidationErrorKind.NumberTooSmall)]
    [InlineData("""{ "Empowerment": { "Roles": { "Agent": { "Rank": 1, "Limits": { "Refund": { "PerIncident": { "Amount": 5 }, "PerCustomer": { "Amount": 50, "Window": "Fortnight" } } } } } } }""", ValidationErrorKind.NotInEnumeration)]
    [InlineData("""{ "Empowerment": { "Roles": { "Agent": { "Rank": 1, "Limits": { "Refund": { "PerIncident": { "Amount": 5 }, "PerAgent": { "Amount": 50, "Length": "30 days" } } } } } } }""", ValidationErrorKind.PatternMismatch)]
    [InlineData("""{ "Empowerment": { "Roles": { "Agent": { "Rank": 1, "Limits": { "Refund": { "PerIncident": { "Amount": 5 }, "PerAgent": { "Amount": 50, "Lenght": "30.00:00:00" } } } } } } }""", ValidationErrorKind.NoAdditionalPropertiesAllowed)]
    [InlineData("""{ "Empowerment": { "Conditions": { "Vip": { "When": { "Attribute": "CustomerSegment", "In": [ "Vip" ] }, "Effect": "Multiply", "Multiplier": 0 } } } }""", ValidationErrorKind.NumberTooSmall)]
    [InlineData("""{ "Empowerment": { "Conditions": { "Vip": { "When": { "Attribute": "CustomerSegment", "In": [ "Vip" ] }, "Effect": "Multiply", "Multiplier": 2, "AppliesTo": "PerIncident; PerAgent" } } } }""", ValidationErrorKind.PatternMismatch)]
    [InlineData("""{ "Empowerment": { "Conditions": { "Fraud": { "When": { "Attribute": "ReasonCodes", "In": "Fraud" }, "Effect": "Deny" } } } }""", ValidationErrorKind.ArrayExpected)]
    [InlineData("""{ "Empowerment": { "Conditions": { "Fraud": { "When": { "Attribute": "ReasonCodes", "In": [ "Fraud" ] }, "Effect": "Block" } } } }""", ValidationErrorKind.NotInEnumeration)]
    [InlineData("""{ "DecisionLog": { "Capacity": 0 } }""", ValidationErrorKind.NumberTooSmall)]
    [InlineData("""{ "Empowerment": { "Currency": "USD" }, "Empowerement": {} }""", ValidationErrorKind.NoAdditionalPropertiesAllowed)]
    public async Task Schema_RejectsACommonMistake(string section, ValidationErrorKind expected)
    {
        JsonSchema schema = await LoadSchemaAsync();

        ICollection<ValidationError> errors = schema.Validate($$"""{ "CustomerCraft": {{section}} }""");

        Flatten(errors).Should().Contain(e => e.Kind == expected, Describe(errors));
    }

    private static async Task<JsonSchema> LoadSchemaAsync() => await JsonSchema.FromFileAsync(SchemaPath);

    /// <summary>Checks that an object schema lists exactly the public settable properties of <paramref name="type"/>.</summary>
    /// <summary>Option types already compared in this run: a test node contains test nodes, so each recursive type is compared once.</summary>
    private static readonly HashSet<Type> s_compared = [];

    private static void CompareObject(Type type, JsonSchema schema, string path, List<string> problems)
    {
        lock (s_compared)
        {
            if (!s_compared.Add(type))
            {
                return;
            }
        }

        if (!schema.Type.HasFlag(JsonObjectType.Object))
        {
            problems.Add($"{path}: the schema should be an object for {type.Name}.");
            return;
        }

        if (schema.AllowAdditionalProperties)
        {
            problems.Add($"{path}: the schema should set additionalProperties to false so that editors flag misspelled settings of {type.Name}.");
        }

        Dictionary<string, PropertyInfo> expected = type
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);

        foreach (string missing in expected.Keys.Except(schema.Properties.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            problems.Add($"{path}:{missing}: missing from the schema ({type.Name}.{missing} is a settable option).");
        }

        foreach (string extra in schema.Properties.Keys.Except(expected.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            problems.Add($"{path}:{extra}: in the schema, but {type.Name} has no settable property of that name.");
        }

        foreach ((string name, PropertyInfo property) in expected.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (schema.Properties.TryGetValue(name, out JsonSchemaProperty? propertySchema))
            {
                CompareValue(property.PropertyType, Resolve(propertySchema), $"{path}:{name}", problems);
            }
        }
    }

    /// <summary>Checks that a schema fits a property type, following dictionaries, lists and nested option classes.</summary>
    private static void CompareValue(Type type, JsonSchema schema, string path, List<string> problems)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            ExpectType(schema, JsonObjectType.String, path, problems);
        }
        else if (t == typeof(bool))
        {
            ExpectType(schema, JsonObjectType.Boolean, path, problems);
        }
        else if (t == typeof(int) || t == typeof(long))
        {
            ExpectType(schema, JsonObjectType.Integer, path, problems);
        }
        else if (t == typeof(decimal) || t == typeof(double) || t == typeof(float))
        {
            ExpectType(schema, JsonObjectType.Number, path, problems);
        }
        else if (t == typeof(TimeSpan))
        {
            ExpectType(schema, JsonObjectType.String, path, problems);
            if (string.IsNullOrEmpty(schema.Pattern))
            {
                problems.Add($"{path}: a TimeSpan needs a pattern such as [d.]hh:mm[:ss].");
            }
        }
        else if (t.IsEnum)
        {
            CompareEnum(t, schema, path, problems);
        }
        else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            Type[] arguments = t.GetGenericArguments();
            if (arguments[0] != typeof(string))
            {
                problems.Add($"{path}: the test only maps dictionaries keyed by string, not {t}.");
                return;
            }

            ExpectType(schema, JsonObjectType.Object, path, problems);
            if (schema.Properties.Count > 0)
            {
                problems.Add($"{path}: a dictionary's schema should not list fixed properties ({string.Join(", ", schema.Properties.Keys)}).");
            }

            if (schema.AdditionalPropertiesSchema is not { } item)
            {
                problems.Add($"{path}: a dictionary needs additionalProperties with the schema of its values.");
                return;
            }

            CompareValue(arguments[1], Resolve(item), $"{path}:{{key}}", problems);
        }
        else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
        {
            ExpectType(schema, JsonObjectType.Array, path, problems);
            if (schema.Item is not { } item)
            {
                problems.Add($"{path}: a list needs items with the schema of its elements.");
                return;
            }

            CompareValue(t.GetGenericArguments()[0], Resolve(item), $"{path}:{{index}}", problems);
        }
        else if (t.IsClass && t.Namespace?.StartsWith(nameof(CustomerCraft), StringComparison.Ordinal) == true)
        {
            CompareObject(t, schema, path, problems);
        }
        else
        {
            problems.Add($"{path}: the test does not know how to map {t} to a schema; extend {nameof(SchemaTests)}.");
        }
    }

    private static void CompareEnum(Type enumType, JsonSchema schema, string path, List<string> problems)
    {
        ExpectType(schema, JsonObjectType.String, path, problems);
        string[] names = Enum.GetNames(enumType);
        if (enumType.IsDefined(typeof(FlagsAttribute)))
        {
            // [Flags] enums bind from comma-separated names, so the schema uses a pattern.
            if (string.IsNullOrEmpty(schema.Pattern))
            {
                problems.Add($"{path}: the [Flags] enum {enumType.Name} needs a pattern accepting comma-separated names.");
                return;
            }

            var pattern = new Regex(schema.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            foreach (string value in names.Append(string.Join(", ", names)).Append(string.Join(",", names)))
            {
                if (!pattern.IsMatch(value))
                {
                    problems.Add($"{path}: the pattern does not accept '{value}' ({enumType.Name}).");
                }
            }

            return;
        }

        string[] listed = schema.Enumeration.Select(v => v?.ToString() ?? "null").ToArray();
        foreach (string missing in names.Except(listed, StringComparer.Ordinal))
        {
            problems.Add($"{path}: the enum does not list {enumType.Name}.{missing}.");
        }

        foreach (string extra in listed.Except(names, StringComparer.Ordinal))
        {
            problems.Add($"{path}: the enum lists '{extra}', which is not a member of {enumType.Name}.");
        }
    }

    private static void ExpectType(JsonSchema schema, JsonObjectType expected, string path, List<string> problems)
    {
        if (schema.Type != expected)
        {
            problems.Add($"{path}: the schema's type is {schema.Type}; expected {expected}.");
        }
    }

    /// <summary>Follows <c>$ref</c> and the <c>allOf: [{ $ref }]</c> wrappers used to give a reference its own description.</summary>
    private static JsonSchema Resolve(JsonSchema schema)
    {
        JsonSchema current = schema.ActualSchema;
        while (current.Type == JsonObjectType.None && current.Properties.Count == 0 && current.AllOf.Count == 1)
        {
            current = current.AllOf.Single().ActualSchema;
        }

        return current;
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (ValidationError error in errors)
        {
            yield return error;
            if (error is ChildSchemaValidationError child)
            {
                foreach (ValidationError nested in Flatten(child.Errors.Values.SelectMany(e => e)))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string Describe(IEnumerable<ValidationError> errors) =>
        "the schema reported: " + string.Join("; ", Flatten(errors).Select(e => $"{e.Kind} at {e.Path}"));
}
