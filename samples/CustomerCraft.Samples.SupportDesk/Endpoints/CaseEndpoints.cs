using CustomerCraft.AspNetCore;
using CustomerCraft.Coaching;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

/// <summary>The agent console's endpoints: cases, proposals, grants, approval requests, nudges.</summary>
internal static class CaseEndpoints
{
    /// <summary>The <c>code</c> of the 409 for a grant on a resolved or closed case.</summary>
    public const string CaseNotOpen = "case-not-open";

    public static void MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api").RequireAuthorization();
        api.MapGet("/me", (AgentIdentity agent) => agent);

        RouteGroupBuilder cases = api.MapGroup("/cases");
        cases.MapGet("/", ListMine);
        cases.MapPost("/", Open);
        cases.MapGet("/{caseId}", Get);
        cases.MapGet("/{caseId}/timeline", Timeline);
        cases.MapPost("/{caseId}/proposals", Propose);
        cases.MapPost("/{caseId}/grants", Grant).AddEndpointFilter<CaseWorkFilter>();
        cases.MapPost("/{caseId}/approval-requests", RequestApproval).AddEndpointFilter<CaseWorkFilter>();
        cases.MapPost("/{caseId}/resolve", Resolve).AddEndpointFilter<CaseWorkFilter>();
        cases.MapPost("/{caseId}/nudges", Nudges);
    }

    /// <summary>The cases the signed-in agent owns, soonest deadline first.</summary>
    private static async Task<IEnumerable<CaseView>> ListMine(AgentIdentity agent, ICaseWorkflow workflow, CaseViews views, CancellationToken ct) =>
        (await workflow.QueryAsync(new CaseQuery { OwnerId = agent.Id, Limit = 200 }, ct)).Select(c => views.For(c, agent));

    private static async Task<IResult> Open(OpenCaseBody body, AgentIdentity agent, ICaseWorkflow workflow, CaseViews views, CancellationToken ct)
    {
        SupportCase opened = await workflow.OpenAsync(new OpenCaseRequest
        {
            CustomerId = body.CustomerId!, // the workflow names the field when it is missing
            Subject = body.Subject,
            Priority = body.Priority,
            Owner = agent.ToActor(),
            Note = body.Note,
        }, ct);
        return Results.Created($"/api/cases/{opened.Id}", views.For(opened, agent));
    }

    private static async Task<CaseView> Get(string caseId, AgentIdentity agent, ICaseWorkflow workflow, CaseViews views, CancellationToken ct) =>
        views.For(await FindAsync(workflow, caseId, ct), agent);

    private static async Task<IEnumerable<TimelineEntryView>> Timeline(string caseId, ICaseWorkflow workflow, CancellationToken ct) =>
        (await FindAsync(workflow, caseId, ct)).History.Select(TimelineEntryView.From);

    /// <summary>What would happen: the decision, every reason, and the agent's headroom. Nothing is charged.</summary>
    private static async Task<DecisionView> Propose(string caseId, ResolutionBody body, AgentIdentity agent, ICaseWorkflow workflow, IResolutionAuthority authority, CancellationToken ct)
    {
        SupportCase supportCase = await FindAsync(workflow, caseId, ct);
        return DecisionView.From(await authority.EvaluateAsync(body.ToRequest(agent, supportCase), ct));
    }

    /// <summary>
    /// Grants within the agent's authority and notes it on the case; over it, answers the decision
    /// instead. A resolved or closed case takes no more grants (reopen it first).
    /// </summary>
    private static async Task<Results<Ok<GrantView>, ProblemHttpResult>> Grant(string caseId, ResolutionBody body, AgentIdentity agent, ICaseWorkflow workflow, IResolutionAuthority authority, CancellationToken ct)
    {
        SupportCase supportCase = await FindAsync(workflow, caseId, ct);
        if (supportCase.State is CaseState.Resolved or CaseState.Closed)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The case is not open.",
                detail: $"Case '{caseId}' is {supportCase.State}: reopen it before granting anything more on it.",
                extensions: new Dictionary<string, object?> { ["code"] = CaseNotOpen, ["caseId"] = caseId, ["state"] = supportCase.State.ToString() });
        }

        GrantResult result = await authority.GrantAsync(body.ToRequest(agent, supportCase), ct);
        if (result.Grant is not { } grant)
        {
            return TypedResults.Ok(new GrantView(false, false, null, DecisionView.From(result.Decision!)));
        }

        if (!result.IsReplay)
        {
            await workflow.AddNoteAsync(caseId, agent.ToActor(), $"Granted {grant.Action.ToLowerInvariant()} of {grant.Amount:0.##} {grant.Currency} (grant {grant.GrantId}){(body.Note is { Length: > 0 } note ? $": {note}" : string.Empty)}", cancellationToken: ct);
        }

        return TypedResults.Ok(new GrantView(true, result.IsReplay, grant, result.Decision is { } d ? DecisionView.From(d) : null));
    }

    /// <summary>Sends what is over the agent's authority up the ladder; the case waits for an approver.</summary>
    private static async Task<CaseView> RequestApproval(string caseId, ResolutionBody body, AgentIdentity agent, ICaseWorkflow workflow, CaseViews views, CancellationToken ct)
    {
        SupportCase supportCase = await FindAsync(workflow, caseId, ct);
        SupportCase waiting = await workflow.RequestApprovalAsync(caseId, body.ToRequest(agent, supportCase), body.Note, body.ExpectedVersion, ct);
        return views.For(waiting, agent);
    }

    private static async Task<CaseView> Resolve(string caseId, CaseMoveBody? body, AgentIdentity agent, ICaseWorkflow workflow, CaseViews views, CancellationToken ct) =>
        views.For(await workflow.ResolveAsync(caseId, agent.ToActor(), body?.Note, body?.ExpectedVersion, ct), agent);

    /// <summary>
    /// Live coaching: the conversation so far goes through a fresh <see cref="LiveConversation"/>
    /// (nothing is kept between calls, so any instance can answer); the nudges for the latest turn
    /// come back, which is what the agent should act on now.
    /// </summary>
    private static async Task<IReadOnlyList<Nudge>> Nudges(string caseId, NudgeBody body, AgentIdentity agent, ICaseWorkflow workflow, IInteractionCoach coach, TimeProvider time, CancellationToken ct)
    {
        SupportCase supportCase = await FindAsync(workflow, caseId, ct);
        LiveConversation conversation = coach.StartConversation(new LiveConversationContext
        {
            AgentId = agent.Id,
            AgentRole = agent.Role,
            CustomerId = supportCase.CustomerId,
            CaseId = supportCase.Id,
            CustomerSegment = body.CustomerSegment,
            Channel = body.Channel,
        });
        IReadOnlyList<Nudge> nudges = [];
        foreach (Turn turn in Turns.From(body.Turns, time))
        {
            nudges = await conversation.AddTurnAsync(turn, ct);
        }

        return nudges;
    }

    internal static async Task<SupportCase> FindAsync(ICaseWorkflow workflow, string caseId, CancellationToken ct) =>
        await workflow.FindAsync(caseId, ct) ?? throw new CaseNotFoundException(caseId);
}
