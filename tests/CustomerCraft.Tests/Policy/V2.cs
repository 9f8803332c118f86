using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// Small v2 policies written as in-memory configuration for the policy-language tests, and the
/// requests and hosts that go with them.
/// </summary>
internal static class V2
{
    public const string E = "CustomerCraft:Empowerment";

    public const string C = "CustomerCraft:Empowerment:Conditions";

    /// <summary>Monday 2026-03-02 15:00 UTC.</summary>
    public static readonly DateTimeOffset Now = PolicyFixtures.Start;

    /// <summary>
    /// One money action (Refund, USD) and a three-role ladder: Agent 100, TeamLead 1000 and
    /// Manager 5000 per incident.
    /// </summary>
    public static Dictionary<string, string?> Ladder() => new()
    {
        [$"{E}:Currency"] = "USD",
        [$"{E}:Actions:Refund:Description"] = "Money back",
        [$"{E}:Roles:Agent:Rank"] = "10",
        [$"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "100",
        [$"{E}:Roles:TeamLead:Rank"] = "20",
        [$"{E}:Roles:TeamLead:Limits:Refund:PerIncident:Amount"] = "1000",
        [$"{E}:Roles:Manager:Rank"] = "30",
        [$"{E}:Roles:Manager:Limits:Refund:PerIncident:Amount"] = "5000",
    };

    /// <summary>Adds a condition that holds when the request carries <paramref name="reasonCode"/>.</summary>
    public static Dictionary<string, string?> WithCodeCondition(this Dictionary<string, string?> s, string name, string reasonCode, string effect, params (string Key, string Value)[] settings)
    {
        s[$"{C}:{name}:When:Attribute"] = "ReasonCodes";
        s[$"{C}:{name}:When:In:0"] = reasonCode;
        s[$"{C}:{name}:Effect"] = effect;
        foreach ((string key, string value) in settings)
        {
            s[$"{C}:{name}:{key}"] = value;
        }

        return s;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> s, string relativeKey, string? value)
    {
        s[$"{E}:{relativeKey}"] = value;
        return s;
    }

    /// <summary>Adds a Multiply-by-one condition: harmless, but it shows as a reason when its test holds.</summary>
    public static Dictionary<string, string?> Probe(this Dictionary<string, string?> s, string name, params (string Key, string Value)[] when)
    {
        foreach ((string key, string value) in when)
        {
            s[$"{C}:{name}:When:{key}"] = value;
        }

        s[$"{C}:{name}:Effect"] = "Multiply";
        s[$"{C}:{name}:Multiplier"] = "1";
        return s;
    }

    public static Dictionary<string, string?> Without(this Dictionary<string, string?> s, string relativeKey)
    {
        s.Remove($"{E}:{relativeKey}");
        return s;
    }

    public static ResolutionRequest Request(
        decimal amount,
        string role = "Agent",
        string action = "Refund",
        string[]? codes = null,
        Dictionary<string, string>? attributes = null,
        string? segment = null,
        string? channel = null,
        DateTimeOffset? since = null,
        string? currency = null,
        string agent = "ana",
        string customer = "C-1",
        string incident = "T-1",
        string? key = null) => new()
        {
            AgentId = agent,
            Role = role,
            CustomerId = customer,
            IncidentId = incident,
            Action = action,
            Amount = amount,
            ReasonCodes = codes,
            Attributes = attributes,
            CustomerSegment = segment,
            Channel = channel,
            CustomerSince = since,
            Currency = currency,
            IdempotencyKey = key,
        };

    public static Dictionary<string, string> Attrs(params (string Key, string Value)[] values)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string value) in values)
        {
            attributes[key] = value;
        }

        return attributes;
    }

    public static TestHost Host(Dictionary<string, string?> settings, Action<ICustomerCraftBuilder>? configure = null, FakeTimeProvider? time = null) =>
        PolicyFixtures.Build(settings, configure, time ?? new FakeTimeProvider(Now));

    /// <summary>The start-up errors of a policy (empty when it is valid), as a host reports them.</summary>
    public static IReadOnlyList<string> Errors(Dictionary<string, string?> settings, Action<ICustomerCraftBuilder>? configure = null) =>
        Errors(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), configure);

    public static IReadOnlyList<string> Errors(IConfigurationRoot configuration, Action<ICustomerCraftBuilder>? configure = null)
    {
        using TestHost host = PolicyFixtures.Build(configuration, configure, new FakeTimeProvider(Now));
        try
        {
            _ = host.Authority;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
    }

    /// <summary>The incident amount limit the decision checked, if any.</summary>
    public static decimal? IncidentLimit(this AuthorityDecision decision) =>
        decision.Reasons.SingleOrDefault(r => r.Kind == DecisionReasonKind.Limit && r.Limit == LimitKind.IncidentAmount)?.LimitValue;

    public static string Explain(this AuthorityDecision decision) =>
        string.Join(Environment.NewLine, decision.Reasons.Select(r => $"{(r.Passed ? "ok" : "NO")} {r.Message} ({r.ConfigurationPath})"));

    public static async Task<IReadOnlyList<DecisionRecord>> ReadLogAsync(this TestHost host)
    {
        var log = (InMemoryDecisionLog)host.Services.GetRequiredService<IDecisionLog>();
        var records = new List<DecisionRecord>();
        await foreach (DecisionRecord record in log.ReadAsync(DecisionLogQuery.All))
        {
            records.Add(record);
        }

        return records;
    }
}
