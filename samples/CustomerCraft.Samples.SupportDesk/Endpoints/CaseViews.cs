using CustomerCraft.AspNetCore;
using CustomerCraft.Escalation;
using CustomerCraft.Identifiers;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

/// <summary>
/// Builds the case as a given user sees it: the case, and the moves they can make on it now. The
/// moves come from the workflow's own table (<see cref="ICaseWorkflow.GetPermittedTriggers"/>)
/// and the sample's who-works-what rule (<see cref="CaseWorkFilter.MayWork"/>), the same two
/// checks the endpoints apply, so a button the page offers is a move the server accepts.
/// </summary>
public sealed class CaseViews(ICaseWorkflow workflow, Ladder ladder, IdRules ids)
{
    public CaseView For(SupportCase supportCase, AgentIdentity viewer) =>
        CaseView.From(supportCase, ladder, MovesFor(supportCase, viewer));

    public CaseMovesView MovesFor(SupportCase supportCase, AgentIdentity viewer)
    {
        IReadOnlyList<CaseTrigger> permitted = workflow.GetPermittedTriggers(supportCase);
        bool mayWork = CaseWorkFilter.MayWork(supportCase, viewer, ladder, ids);
        bool resolvable = permitted.Contains(CaseTrigger.Resolve);
        bool approve = permitted.Contains(CaseTrigger.Approve)
            && ladder.Covers(viewer.Role, supportCase.Level)
            && supportCase.PendingApproval?.RequestedBy.Id != viewer.Id;
        return new CaseMovesView(
            Check: mayWork && resolvable,
            RequestApproval: mayWork && permitted.Contains(CaseTrigger.RequestApproval),
            Resolve: mayWork && resolvable,
            Approve: approve,
            Permitted: permitted,
            Blocked: mayWork && resolvable ? null : Blocked(supportCase, mayWork));
    }

    private string Blocked(SupportCase c, bool mayWork) => c.State switch
    {
        CaseState.AwaitingApproval => $"Waiting for {Article(c.PendingApproval?.RequiredApproverRole ?? ladder.NameOf(c.Level))} to decide. Nothing more can be granted or resolved on this case until then.",
        CaseState.Resolved => "This case is resolved. Nothing more can be granted on it unless it is reopened.",
        CaseState.Closed => "This case is closed for good.",
        CaseState.New => "Nobody has taken this case yet.",
        _ when !mayWork => $"This is {c.Owner?.Id ?? "someone else"}'s case: you can read it but not work on it.",
        _ => "This case cannot be resolved in its current state.",
    };

    /// <summary>"a team lead", "a manager": a role name as a person says it.</summary>
    internal static string Article(string role)
    {
        string words = string.Concat(role.Select((ch, i) => i > 0 && char.IsUpper(ch) ? " " + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
        return ("aeiou".Contains(words[0], StringComparison.Ordinal) ? "an " : "a ") + words;
    }
}
