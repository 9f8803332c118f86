using CustomerCraft.AspNetCore;
using CustomerCraft.Coaching;
using CustomerCraft.Escalation;
using CustomerCraft.Insight;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

/// <summary>Coaching review of a finished interaction, and the service metrics.</summary>
internal static class CoachingEndpoints
{
    public static void MapCoachingEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api").RequireAuthorization();
        api.MapPost("/coaching/reviews", Review);
        api.MapGet("/metrics", Metrics);
    }

    /// <summary>Scores the signed-in agent's interaction against the coaching rubric and keeps it for the metrics.</summary>
    private static async Task<Results<Ok<Scorecard>, ValidationProblem>> Review(
        ReviewBody body, AgentIdentity agent, ICaseWorkflow workflow, IInteractionCoach coach, InteractionArchive archive, TimeProvider time, CancellationToken ct)
    {
        string? customerId = body.CustomerId;
        if (body.CaseId is { Length: > 0 } caseId)
        {
            customerId = (await CaseEndpoints.FindAsync(workflow, caseId, ct)).CustomerId;
        }

        if (string.IsNullOrWhiteSpace(customerId))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["customerId"] = ["Give the case (caseId) or the customer (customerId) the interaction was with."] },
                extensions: new Dictionary<string, object?> { ["code"] = ProblemCodes.Validation });
        }

        var interaction = new Interaction
        {
            Id = archive.NextId(),
            AgentId = agent.Id,
            AgentRole = agent.Role,
            CustomerId = customerId,
            CaseId = body.CaseId,
            Channel = body.Channel,
            Turns = Turns.From(body.Turns, time),
            ResolvedAtFirstContact = body.ResolvedAtFirstContact,
            Transfers = body.Transfers,
            Survey = body.Survey,
        };
        Scorecard scorecard = await coach.ScoreAsync(interaction, ct);
        archive.Add(interaction);
        return TypedResults.Ok(scorecard);
    }

    /// <summary>CSAT, NPS, CES, first contact resolution, SLA compliance, escalation rate, approval turnaround.</summary>
    /// <remarks>Per team, each agent counts for the team the desk's users list gives them.</remarks>
    private static async Task<ServiceMetricsReport> Metrics(ICaseWorkflow workflow, InteractionArchive archive, IOptions<SupportDeskOptions> desk, MetricsGrouping grouping = MetricsGrouping.None, MetricsPeriod period = MetricsPeriod.All, CancellationToken ct = default)
    {
        IReadOnlyList<SupportCase> cases = await workflow.QueryAsync(new CaseQuery { Limit = 10_000 }, ct);
        Dictionary<string, string?> teams = desk.Value.Users.ToDictionary(u => u.Id, u => u.Team, StringComparer.Ordinal);
        return ServiceMetrics.Compute(archive.All, cases, grouping, period, teamOfAgent: id => teams.GetValueOrDefault(id));
    }
}
