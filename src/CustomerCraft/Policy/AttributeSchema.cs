using System.Collections.Frozen;
using System.Globalization;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Policy;

/// <summary>Where an attribute's value comes from.</summary>
internal enum AttributeSource : byte
{
    Host,
    CustomerSegment,
    Channel,
    ReasonCodes,
    CustomerSince,
    Amount,
}

/// <summary>A declared attribute (or a request field), compiled.</summary>
internal sealed class AttributeDefinition
{
    public required string Name { get; init; }

    public required AttributeType Type { get; init; }

    public required AttributeSource Source { get; init; }

    /// <summary>The closed set of values, for strings; <see langword="null"/> for any value.</summary>
    public FrozenSet<string>? Values { get; init; }

    public bool Required { get; init; }

    /// <summary>The slot of a host attribute's parsed value; -1 for request fields.</summary>
    public int Slot { get; init; } = -1;

    /// <summary>Where it is declared; <see langword="null"/> for a request field nobody declared.</summary>
    public string? Path { get; init; }
}

/// <summary>A host attribute's value, parsed to its declared type.</summary>
internal struct AttributeValue
{
    public bool IsSet;
    public bool Boolean;
    public decimal Number;
    public DateTimeOffset Time;
    public string? Text;
}

/// <summary>
/// The typed attributes a policy reads: the ones it declares under <c>Empowerment:Attributes</c> and
/// the request fields every policy may test. Reading a request against it rejects missing required
/// attributes, values of the wrong type and values outside a closed set, by name.
/// </summary>
internal sealed class AttributeSchema
{
    private static readonly (string Name, AttributeType Type, AttributeSource Source)[] s_fields =
    [
        ("CustomerSegment", AttributeType.String, AttributeSource.CustomerSegment),
        ("Channel", AttributeType.String, AttributeSource.Channel),
        ("ReasonCodes", AttributeType.String, AttributeSource.ReasonCodes),
        ("CustomerSince", AttributeType.DateTime, AttributeSource.CustomerSince),
        ("Amount", AttributeType.Number, AttributeSource.Amount),
    ];

    private AttributeSchema(FrozenDictionary<string, AttributeDefinition> byName, AttributeDefinition[] host, AttributeDefinition[] checkedFields)
    {
        ByName = byName;
        Host = host;
        CheckedFields = checkedFields;
    }

    public static AttributeSchema Empty { get; } = Compile([], string.Empty, []);

    public FrozenDictionary<string, AttributeDefinition> ByName { get; }

    /// <summary>Declared host attributes, by slot.</summary>
    public AttributeDefinition[] Host { get; }

    /// <summary>Request fields the policy declared (to require them or close their set).</summary>
    public AttributeDefinition[] CheckedFields { get; }

    public static AttributeSchema Compile(Dictionary<string, AttributeOptions> options, string path, List<string> errors)
    {
        var byName = new Dictionary<string, AttributeDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, AttributeType type, AttributeSource source) in s_fields)
        {
            byName[name] = new AttributeDefinition { Name = name, Type = type, Source = source };
        }

        var host = new List<AttributeDefinition>();
        var checkedFields = new List<AttributeDefinition>();
        foreach ((string name, AttributeOptions? attribute) in options)
        {
            string attributePath = $"{path}:{name}";
            if (attribute?.Type is not AttributeType type || !Enum.IsDefined(type))
            {
                errors.Add($"{attributePath}:Type: missing; use String, Number, Boolean or DateTime.");
                continue;
            }

            FrozenSet<string>? values = null;
            if (attribute.Values.Count > 0)
            {
                if (type != AttributeType.String)
                {
                    errors.Add($"{attributePath}:Values: a closed set of values applies only to String attributes; '{name}' is {type}.");
                }

                for (int i = 0; i < attribute.Values.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(attribute.Values[i]) || attribute.Values[i] != attribute.Values[i].Trim())
                    {
                        errors.Add($"{attributePath}:Values:{i}: '{attribute.Values[i]}' is empty or has spaces at an end; a request could never send it reliably.");
                    }
                }

                values = attribute.Values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            }

            if (byName.TryGetValue(name, out AttributeDefinition? field) && field.Source != AttributeSource.Host)
            {
                if (field.Source == AttributeSource.Amount)
                {
                    errors.Add($"{attributePath}: Amount is the request's amount, always present; it cannot be declared.");
                    continue;
                }

                if (field.Type != type)
                {
                    errors.Add($"{attributePath}:Type: {name} is a request field of type {field.Type}; declare it as {field.Type}.");
                    continue;
                }

                var declared = new AttributeDefinition { Name = field.Name, Type = type, Source = field.Source, Values = values, Required = attribute.Required, Path = attributePath };
                byName[name] = declared;
                checkedFields.Add(declared);
                continue;
            }

            var definition = new AttributeDefinition { Name = name, Type = type, Source = AttributeSource.Host, Values = values, Required = attribute.Required, Slot = host.Count, Path = attributePath };
            host.Add(definition);
            byName[name] = definition;
        }

        return new AttributeSchema(byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), [.. host], [.. checkedFields]);
    }

    /// <summary>Checks the request against the schema and parses host attributes into <paramref name="values"/> (one per <see cref="Host"/> slot).</summary>
    public void Read(ResolutionRequest request, Span<AttributeValue> values)
    {
        IReadOnlyDictionary<string, string>? attributes = request.Attributes;
        for (int i = 0; i < Host.Length; i++)
        {
            AttributeDefinition definition = Host[i];
            if (attributes is not null && attributes.TryGetValue(definition.Name, out string? text) && text is not null)
            {
                values[i] = Parse(definition, text);
            }
            else if (definition.Required)
            {
                throw new ArgumentException($"Attribute '{definition.Name}' is required by the policy ({definition.Path}) and the request does not carry it.", $"request.Attributes[{definition.Name}]");
            }
            else
            {
                values[i] = default;
            }
        }

        for (int i = 0; i < CheckedFields.Length; i++)
        {
            CheckField(CheckedFields[i], request);
        }
    }

    internal static AttributeValue Parse(AttributeDefinition definition, string text)
    {
        var value = new AttributeValue { IsSet = true };
        bool ok = true;
        switch (definition.Type)
        {
            case AttributeType.Number:
                // A dot for decimals and nothing else: "3,5" must not read as 35, nor "5-" as -5.
                ok = decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value.Number);
                break;
            case AttributeType.Boolean:
                ok = bool.TryParse(text, out value.Boolean);
                break;
            case AttributeType.DateTime:
                ok = TryParseIso8601(text, out value.Time);
                break;
            default:
                CheckInSet(definition, text);
                value.Text = text;
                break;
        }

        if (!ok)
        {
            string expected = definition.Type switch
            {
                AttributeType.Number => "a number such as 12.5",
                AttributeType.Boolean => "true or false",
                _ => "an ISO 8601 date and time such as 2026-11-20T17:30:00Z",
            };
            throw new ArgumentException($"Attribute '{definition.Name}' is '{text}', which is not {expected} (declared {definition.Type} at {definition.Path}).", $"request.Attributes[{definition.Name}]");
        }

        return value;
    }

    private static readonly string[] s_iso8601 =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>ISO 8601 only (a date, or a date and time with an optional offset, UTC when none): "03/04/2026" is ambiguous and refused.</summary>
    internal static bool TryParseIso8601(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, s_iso8601, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);

    private static void CheckField(AttributeDefinition field, ResolutionRequest request)
    {
        // The parameter's name ("request.Channel") is made only when something is wrong: checking allocates nothing.
        switch (field.Source)
        {
            case AttributeSource.CustomerSegment:
            case AttributeSource.Channel:
                string? text = field.Source == AttributeSource.Channel ? request.Channel : request.CustomerSegment;
                if (text is null)
                {
                    RequireIfDeclared(field);
                }
                else
                {
                    CheckInSet(field, text);
                }

                break;
            case AttributeSource.ReasonCodes:
                if (request.ReasonCodes is not { Count: > 0 } codes)
                {
                    RequireIfDeclared(field);
                    break;
                }

                for (int i = 0; i < codes.Count; i++)
                {
                    CheckInSet(field, codes[i] ?? string.Empty);
                }

                break;
            case AttributeSource.CustomerSince:
                if (request.CustomerSince is null)
                {
                    RequireIfDeclared(field);
                }

                break;
        }
    }

    /// <summary>The argument an error names: <c>request.Attributes[name]</c> for a host attribute, <c>request.Field</c> for a request field.</summary>
    private static string Parameter(AttributeDefinition definition) =>
        definition.Source == AttributeSource.Host ? $"request.Attributes[{definition.Name}]" : $"request.{definition.Name}";

    private static void RequireIfDeclared(AttributeDefinition field)
    {
        if (field.Required)
        {
            throw new ArgumentException($"{field.Name} is required by the policy ({field.Path}) and the request does not carry it.", Parameter(field));
        }
    }

    private static void CheckInSet(AttributeDefinition definition, string text)
    {
        if (definition.Values is { } set && !set.Contains(text))
        {
            throw new ArgumentException($"{(definition.Source == AttributeSource.Host ? "Attribute " : string.Empty)}'{definition.Name}' is '{text}', which is not one of its declared values ({string.Join(", ", set.Order(StringComparer.OrdinalIgnoreCase))}; {definition.Path}).", Parameter(definition));
        }
    }
}
