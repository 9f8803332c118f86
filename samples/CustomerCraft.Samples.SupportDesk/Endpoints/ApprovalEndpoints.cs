using CustomerCraft.AspNetCore;
using CustomerCraft.Escalation;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

/// <summary>The approver's endpoints: the queue, approve, reject.</summary>
internal static class ApprovalEndpoints
{
    public static void MapApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder approvals = app.MapGroup("/api/approvals").RequireAuthorization();
        approvals.MapGet("/", Queue);
        approvals.MapPost("/{caseId}/approve", Approve);
        approvals.MapPost("/{caseId}/reject", Reject);
    }

    /// <summary>
    /// The approvals the signed-in user's role can give: cases waiting at a level whose role they
    /// rank at or above, the soonest approval deadline first. Their own requests are listed but
    /// flagged (four-eyes rule: the workflow refuses them).
    /// </summary>
    private static async Task<QueueView> Queue(AgentIdentity approver, ICaseWorkflow workflow, Ladder ladder, TimeProvider time, CancellationToken ct)
    {
        // One query per level the approver covers, so a busy lower level cannot crowd out theirs.
        var waiting = new List<SupportCase>();
        foreach (int level in ladder.ApprovalLevelsOf(approver.Role))
        {
            waiting.AddRange(await workflow.QueryAsync(new CaseQuery { State = CaseState.AwaitingApproval, Level = level, Limit = 500 }, ct));
        }

        var items = new List<QueueItemView>();
        foreach (SupportCase c in waiting)
        {
            if (c.PendingApproval is not { } pending)
            {
                continue;
            }

            items.Add(new QueueItemView(
                c.Id, c.CustomerId, c.Subject, c.Priority, c.Level, ladder.NameOf(c.Level),
                pending.Request.Action, pending.Request.Amount, pending.RequestedBy.Id, pending.RequestedAt, pending.RequiredApproverRole,
                pending.DecisionSummary, CaseView.ApprovalDueAt(c), c.Version,
                string.Equals(pending.RequestedBy.Id, approver.Id, StringComparison.Ordinal)));
        }

        IOrderedEnumerable<QueueItemView> ordered = items
            .OrderBy(i => i.DueAt is null)
            .ThenBy(i => i.DueAt)
            .ThenBy(i => i.RequestedAt)
            .ThenBy(i => i.CaseId, StringComparer.Ordinal);
        return new QueueView(time.GetUtcNow(), approver.Role, [.. ordered]);
    }

    /// <summary>Approves under the approver's own authority: the grant is made and the case goes back to its owner.</summary>
    private static async Task<ApprovalView> Approve(string caseId, CaseMoveBody? body, AgentIdentity approver, ICaseWorkflow workflow, CaseViews views, CancellationToken ct)
    {
        ApprovalResult result = await workflow.ApproveAsync(caseId, approver.ToActor(), body?.Note, body?.ExpectedVersion, ct);
        return new ApprovalView(views.For(result.Case, approver), result.Grant);
    }

    private static async Task<CaseView> Reject(string caseId, RejectBody body, AgentIdentity approver, ICaseWorkflow workflow, CaseViews views, CancellationToken ct) =>
        views.For(await workflow.RejectAsync(caseId, approver.ToActor(), body.Reason!, body.ExpectedVersion, ct), approver);
}

/// <summary>An approval given: the case (back with its owner) and the grant.</summary>
public sealed record ApprovalView(CaseView Case, Empowerment.GrantRecord Grant);
