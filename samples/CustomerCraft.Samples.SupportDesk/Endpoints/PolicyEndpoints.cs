using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerCraft.AspNetCore;
using CustomerCraft.Insight;
using CustomerCraft.Insight.Description;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

/// <summary>
/// The policy pages: the policy in force in plain words (for everyone signed in: agents act on it),
/// and the team lead's what-if (the policy as editable JSON, and the replay of the decision history
/// against an edited copy with what the edit changes).
/// </summary>
internal static class PolicyEndpoints
{
    /// <summary>A policy larger than this is refused before it is parsed (the desk's own is about 6 KB).</summary>
    public const int MaxPolicyLength = 200_000;

    private const string Section = "CustomerCraft";

    public static void MapPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder policy = app.MapGroup("/api/policy").RequireAuthorization();
        policy.MapGet("/", InForce);
        policy.MapGet("/draft", Draft);
        policy.MapPost("/what-if", WhatIf);
    }

    /// <summary>The policy in force in plain words, as <see cref="IPolicyDescriber"/> describes it (it follows reloads).</summary>
    private static IResult InForce(IPolicyDescriber describer) => TypedResults.Ok(describer.Current);

    /// <summary>The policy in force (the <c>CustomerCraft</c> configuration section) as JSON, for a team lead to edit.</summary>
    private static IResult Draft(AgentIdentity agent, Ladder ladder, IConfiguration configuration)
    {
        if (!ladder.IsSupervisor(agent.Role))
        {
            return LeadsOnly(agent);
        }

        string json = (ToJson(configuration.GetSection(Section)) ?? new JsonObject()).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        return TypedResults.Ok(new PolicyDraftView(json));
    }

    /// <summary>
    /// Replays the decision history against the edited policy with <see cref="IPolicyWhatIf"/>, and
    /// says what the edit changes, line by line (<see cref="PolicyDescription.Diff"/>).
    /// </summary>
    private static async Task<IResult> WhatIf(WhatIfBody body, AgentIdentity agent, Ladder ladder, IPolicyWhatIf whatIf, IPolicyDescriber describer, CancellationToken ct)
    {
        if (!ladder.IsSupervisor(agent.Role))
        {
            return LeadsOnly(agent);
        }

        if (string.IsNullOrWhiteSpace(body.Policy) || body.Policy.Length > MaxPolicyLength)
        {
            return Invalid($"Give the edited policy as JSON of at most {MaxPolicyLength:N0} characters (this one has {body.Policy?.Length ?? 0:N0}).");
        }

        IConfiguration alternative;
        try
        {
            alternative = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(body.Policy))).Build();
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidDataException)
        {
            return Invalid($"The policy is not valid JSON: {(e.InnerException ?? e).Message}");
        }

        try
        {
            WhatIfReport report = await whatIf.CompareAsync(alternative, cancellationToken: ct);
            PolicyDescriptionDiff changes = PolicyDescription.Diff(describer.Current, PolicyDescription.Of(alternative));
            return TypedResults.Ok(new WhatIfView(report, changes));
        }
        catch (OptionsValidationException e)
        {
            return Invalid([.. e.Failures]);
        }
    }

    private static JsonNode? ToJson(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        var node = new JsonObject();
        foreach (IConfigurationSection child in children)
        {
            node[child.Key] = ToJson(child);
        }

        return node;
    }

    private static IResult LeadsOnly(AgentIdentity agent) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "For team leads.",
        detail: $"The policy what-if is for roles that approve; '{agent.Id}' is {agent.Role}.",
        extensions: new Dictionary<string, object?> { ["code"] = "leads-only" });

    private static IResult Invalid(params string[] errors) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["policy"] = errors },
        extensions: new Dictionary<string, object?> { ["code"] = ProblemCodes.Validation });
}

/// <summary>The policy in force as indented JSON.</summary>
internal sealed record PolicyDraftView(string Policy);

/// <summary>A what-if's replay and what the edited copy changes against the policy in force.</summary>
internal sealed record WhatIfView(WhatIfReport Report, PolicyDescriptionDiff Changes);

/// <summary>An edited copy of the policy, as JSON (the content of the <c>CustomerCraft</c> section).</summary>
internal sealed record WhatIfBody(string? Policy);
