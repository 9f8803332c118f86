using CustomerCraft.AspNetCore;
using CustomerCraft.Escalation;
using CustomerCraft.Identifiers;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

/// <summary>
/// Who may work a case (grant on it, ask approval for it, resolve it): its owner, whoever handles
/// it now, or a supervisor (a role that can approve at some level of the ladder). Anyone signed in
/// may read a case; a colleague's case is not theirs to change.
/// </summary>
/// <remarks>
/// The library checks authority (how much, who approves), not ownership: which cases an agent
/// works is the host's rule, so it lives here. The case is read again by the handler; a change in
/// between is caught by the workflow's version check.
/// </remarks>
internal sealed class CaseWorkFilter(ICaseWorkflow workflow, Ladder ladder, IdRules ids) : IEndpointFilter
{
    public const string NotYourCase = "not-your-case";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        string caseId = (string)http.Request.RouteValues["caseId"]!;
        AgentIdentity agent = http.GetAgentIdentity();
        SupportCase supportCase = await workflow.FindAsync(caseId, http.RequestAborted) ?? throw new CaseNotFoundException(caseId);
        if (!MayWork(supportCase, agent, ladder, ids))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not your case.",
                detail: $"Case '{caseId}' is owned by '{supportCase.Owner?.Id}'{(supportCase.Handler is { } h && !ids.AreSame(h.Id, supportCase.Owner?.Id) ? $" and handled by '{h.Id}'" : string.Empty)}; '{agent.Id}' ({agent.Role}) can read it but not work it.",
                extensions: new Dictionary<string, object?> { ["code"] = NotYourCase, ["caseId"] = caseId });
        }

        return await next(context);
    }

    /// <summary>
    /// Whether <paramref name="agent"/> may work the case: its owner, its handler or a supervisor, with
    /// CustomerCraft's id rule (CustomerCraft:IdComparison), so that ANA works ana's cases exactly when ANA is ana.
    /// </summary>
    public static bool MayWork(SupportCase supportCase, AgentIdentity agent, Ladder ladder, IdRules ids) =>
        ids.AreSame(supportCase.Owner?.Id, agent.Id) || ids.AreSame(supportCase.Handler?.Id, agent.Id) || ladder.IsSupervisor(agent.Role);
}
