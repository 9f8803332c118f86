using System.Globalization;
using System.Text.Json;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Policy.Testing;

/// <summary>
/// A policy's test cases, read from a JSON file that lives beside the policy: each case is a request,
/// a frozen clock, the grants already made and the expected decision. Run them with
/// <see cref="PolicyTestRunner"/>, from xunit or any test framework. See <c>docs/configuration.md</c>
/// (Testing a policy) for the format.
/// </summary>
public sealed class PolicyTestSuite
{
    private PolicyTestSuite(string source, IReadOnlyList<PolicyTestCase> cases)
    {
        Source = source;
        Cases = cases;
    }

    /// <summary>Where the suite was read from, for messages.</summary>
    public string Source { get; }

    /// <summary>The cases, in file order.</summary>
    public IReadOnlyList<PolicyTestCase> Cases { get; }

    /// <summary>Reads a suite from a file.</summary>
    /// <param name="path">The test file, for example <c>samples/policies/broadband.tests.json</c>.</param>
    /// <exception cref="FormatException">The file is not a valid suite; the message names the case and the field.</exception>
    public static PolicyTestSuite Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads a suite from JSON text.</summary>
    /// <param name="json">The suite.</param>
    /// <param name="source">A name for messages, such as the file's path.</param>
    /// <exception cref="FormatException">The text is not a valid suite; the message names the case and the field.</exception>
    public static PolicyTestSuite Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{source}: a suite is a JSON object with \"Cases\".");
            }

            CheckKeys(root, source, "$schema", "Defaults", "Cases");
            JsonElement defaults = Get(root, "Defaults");
            if (defaults.ValueKind == JsonValueKind.Object)
            {
                CheckKeys(defaults, $"{source}: Defaults", "Now", "Request");
                CheckKeys(Get(defaults, "Request"), $"{source}: Defaults:Request", s_requestKeys);
            }

            JsonElement cases = Get(root, "Cases");
            if (cases.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{source}: a suite needs \"Cases\", an object of named cases.");
            }

            var list = new List<PolicyTestCase>();
            foreach (JsonProperty property in cases.EnumerateObject())
            {
                string where = $"{source}: case '{property.Name}'";
                try
                {
                    list.Add(ReadCase(property.Name, property.Value, defaults, where));
                }
                catch (FormatException ex) when (!ex.Message.StartsWith(where, StringComparison.Ordinal))
                {
                    throw new FormatException($"{where}: {ex.Message}", ex);
                }
                catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or ArgumentException)
                {
                    // A value of the wrong JSON kind (a string where a list belongs, say).
                    throw new FormatException($"{where}: a value has the wrong kind: {ex.Message}", ex);
                }
            }

            return new PolicyTestSuite(source, list);
        }
    }

    private static readonly string[] s_requestKeys =
    [
        "AgentId", "Role", "CustomerId", "IncidentId", "Action", "Amount", "Currency", "CustomerSegment", "Channel",
        "ReasonCodes", "CustomerSince", "Attributes", "ApproverId", "ApproverRole",
    ];

    private static PolicyTestCase ReadCase(string name, JsonElement json, JsonElement defaults, string where)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: a case is an object with Request and Expect.");
        }

        CheckKeys(json, where, "Description", "Now", "Request", "PriorGrants", "Expect");
        CheckKeys(Get(json, "Request"), $"{where}: Request", s_requestKeys);
        string? nowText = Text(json, "Now") ?? (defaults.ValueKind == JsonValueKind.Object ? Text(defaults, "Now") : null);
        DateTimeOffset now = nowText is null
            ? throw new FormatException($"{where}: no \"Now\" (the frozen clock), in the case or in Defaults.")
            : Time(nowText, $"{where}: Now");

        Dictionary<string, JsonElement> request = Merge(Get(defaults, "Request"), Get(json, "Request"));
        var prior = new List<PolicyTestGrant>();
        if (Get(json, "PriorGrants") is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } grants)
        {
            if (grants.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{where}: PriorGrants is {grants.GetRawText()}; give a list of grants.");
            }

            int i = 0;
            foreach (JsonElement grant in grants.EnumerateArray())
            {
                CheckKeys(grant, $"{where}: PriorGrants:{i}", "At", "AgentId", "Role", "CustomerId", "IncidentId", "Action", "Amount");
                Dictionary<string, JsonElement> fields = Merge(default, grant);
                string at = Text(grant, "At") ?? throw new FormatException($"{where}: PriorGrants:{i}: no \"At\".");
                prior.Add(new PolicyTestGrant(
                    Time(at, $"{where}: PriorGrants:{i}:At"),
                    Field(fields, "AgentId") ?? Field(request, "AgentId") ?? "agent",
                    Field(fields, "CustomerId") ?? Field(request, "CustomerId") ?? "customer",
                    Field(fields, "IncidentId") ?? Field(request, "IncidentId") ?? "incident",
                    Field(fields, "Action") ?? Field(request, "Action") ?? throw new FormatException($"{where}: PriorGrants:{i}: no \"Action\"."),
                    Number(fields, "Amount", $"{where}: PriorGrants:{i}:Amount") ?? 0m));
                i++;
            }
        }

        JsonElement expect = Get(json, "Expect") is { ValueKind: JsonValueKind.Object } e ? e : throw new FormatException($"{where}: no \"Expect\" object.");
        CheckKeys(expect, $"{where}: Expect", "Outcome", "ApproverRole", "Headroom", "Reasons", "Error");
        var headroom = new Dictionary<string, PolicyTestHeadroom>(StringComparer.OrdinalIgnoreCase);
        if (Get(expect, "Headroom") is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } h)
        {
            if (h.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{where}: Expect:Headroom is {h.GetRawText()}; give an object of actions.");
            }

            foreach (JsonProperty action in h.EnumerateObject())
            {
                CheckKeys(action.Value, $"{where}: Expect:Headroom:{action.Name}", "Amount", "Count", "HasAuthority");
                Dictionary<string, JsonElement> fields = Merge(default, action.Value);
                headroom[action.Name] = new PolicyTestHeadroom(
                    Number(fields, "Amount", $"{where}: Expect:Headroom:{action.Name}:Amount"),
                    Number(fields, "Count", $"{where}: Expect:Headroom:{action.Name}:Count") is decimal count
                        ? count == decimal.Truncate(count) && count is >= 0 and <= int.MaxValue ? (int)count : throw new FormatException($"{where}: Expect:Headroom:{action.Name}:Count: {count} is not a whole number of grants.")
                        : null,
                    fields.TryGetValue("HasAuthority", out JsonElement has)
                        ? has.ValueKind is JsonValueKind.True or JsonValueKind.False ? has.GetBoolean() : throw new FormatException($"{where}: Expect:Headroom:{action.Name}:HasAuthority is {has.GetRawText()}; give true or false.")
                        : null);
            }
        }

        DecisionOutcomeText(Text(expect, "Outcome"), Text(expect, "Error"), where, out Empowerment.DecisionOutcome? outcome);
        return new PolicyTestCase
        {
            Name = name,
            Description = Text(json, "Description"),
            Now = now,
            Request = ToRequest(request, where),
            PriorGrants = prior,
            ExpectedOutcome = outcome,
            ExpectedApproverRole = Text(expect, "ApproverRole"),
            ExpectedHeadroom = headroom,
            ExpectedReasons = Texts(Get(expect, "Reasons"), $"{where}: Expect:Reasons") ?? [],
            ExpectedError = Text(expect, "Error"),
        };
    }

    private static void DecisionOutcomeText(string? outcome, string? error, string where, out Empowerment.DecisionOutcome? parsed)
    {
        parsed = null;
        if (outcome is null)
        {
            if (error is null)
            {
                throw new FormatException($"{where}: Expect needs an \"Outcome\" (Allowed, RequiresApproval, Denied) or an \"Error\".");
            }

            return;
        }

        if (!Enum.TryParse(outcome, ignoreCase: true, out Empowerment.DecisionOutcome value) || !Enum.IsDefined(value) || int.TryParse(outcome, out _))
        {
            throw new FormatException($"{where}: Expect:Outcome '{outcome}' is not Allowed, RequiresApproval or Denied.");
        }

        parsed = value;
    }

    private static Empowerment.ResolutionRequest ToRequest(Dictionary<string, JsonElement> fields, string where)
    {
        Dictionary<string, string>? attributes = null;
        if (fields.TryGetValue("Attributes", out JsonElement a) && a.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            throw new FormatException($"{where}: Request:Attributes is {a.GetRawText()}; give an object of named values.");
        }

        if (a.ValueKind == JsonValueKind.Object)
        {
            attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty attribute in a.EnumerateObject())
            {
                attributes[attribute.Name] = attribute.Value.ValueKind switch
                {
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => attribute.Value.GetRawText(),
                    JsonValueKind.String => attribute.Value.GetString() ?? string.Empty,
                    _ => throw new FormatException($"{where}: Request:Attributes:{attribute.Name} is {attribute.Value.GetRawText()}; give text, a number or true/false."),
                };
            }
        }

        return new Empowerment.ResolutionRequest
        {
            AgentId = Field(fields, "AgentId") ?? throw new FormatException($"{where}: Request has no AgentId (in the case or in Defaults)."),
            Role = Field(fields, "Role") ?? throw new FormatException($"{where}: Request has no Role."),
            CustomerId = Field(fields, "CustomerId") ?? throw new FormatException($"{where}: Request has no CustomerId."),
            IncidentId = Field(fields, "IncidentId") ?? throw new FormatException($"{where}: Request has no IncidentId."),
            Action = Field(fields, "Action") ?? throw new FormatException($"{where}: Request has no Action."),
            Amount = Number(fields, "Amount", $"{where}: Request:Amount") ?? 0m,
            Currency = Field(fields, "Currency"),
            CustomerSegment = Field(fields, "CustomerSegment"),
            Channel = Field(fields, "Channel"),
            ReasonCodes = fields.TryGetValue("ReasonCodes", out JsonElement codes) ? Texts(codes, $"{where}: Request:ReasonCodes") : null,
            CustomerSince = Field(fields, "CustomerSince") is { } since ? Time(since, $"{where}: Request:CustomerSince") : null,
            Attributes = attributes,
            Approver = Field(fields, "ApproverId") is { } approverId ? new Empowerment.ApproverAuthority(approverId, Field(fields, "ApproverRole") ?? string.Empty) : null,
        };
    }

    /// <summary>The fields of <paramref name="defaults"/> overlaid with <paramref name="values"/> (a case's own win).</summary>
    private static Dictionary<string, JsonElement> Merge(JsonElement defaults, JsonElement values)
    {
        var merged = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonElement source in new[] { defaults, values })
        {
            if (source.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in source.EnumerateObject())
                {
                    merged[property.Name] = property.Value.Clone();
                }
            }
        }

        return merged;
    }

    private static string? Field(Dictionary<string, JsonElement> fields, string name) =>
        fields.TryGetValue(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    private static decimal? Number(Dictionary<string, JsonElement> fields, string name, string where)
    {
        if (!fields.TryGetValue(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal number)
            ? number
            : throw new FormatException($"{where}: '{value.GetRawText()}' is not a number.");
    }

    private static string? Text(JsonElement element, string name) =>
        Get(element, name) switch
        {
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
            var value => throw new FormatException($"\"{name}\" is {value.GetRawText()}, where text is expected."),
        };

    /// <summary>A list of texts, or <see langword="null"/> when absent; anything else names the field.</summary>
    private static string[]? Texts(JsonElement element, string where)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new FormatException($"{where} is {element.GetRawText()}; give a list of texts.");
        }

        return [.. element.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A property of an object, matched ignoring case (like configuration keys); undefined when absent.</summary>
    private static JsonElement Get(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return default;
    }

    /// <summary>A key the format does not have is an error: a misspelled "Reason" would otherwise make a case that checks nothing.</summary>
    private static void CheckKeys(JsonElement element, string where, params string[] allowed)
    {
        if (element.ValueKind == JsonValueKind.Undefined || element.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: {element.GetRawText()} is not an object.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"{where}: \"{property.Name}\" is not part of the format; use {string.Join(", ", allowed)}.");
            }
        }
    }

    private static DateTimeOffset Time(string text, string where) =>
        AttributeSchema.TryParseIso8601(text, out DateTimeOffset time)
            ? time
            : throw new FormatException($"{where}: '{text}' is not an ISO 8601 date and time.");
}
