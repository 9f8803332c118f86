using CustomerCraft.AspNetCore;
using CustomerCraft.Coaching;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

// What clients send. None of these carries an agent id or a role: those come from the signed-in
// user (AgentIdentity), so a "role": "Manager" in a body is simply not read.

/// <summary>A resolution the agent proposes, grants or asks approval for, on the case in the route.</summary>
public sealed record ResolutionBody(
    string? Action,
    decimal Amount,
    IReadOnlyList<string>? ReasonCodes = null,
    string? CustomerSegment = null,
    string? Currency = null,
    string? IdempotencyKey = null,
    string? Note = null,
    long? ExpectedVersion = null)
{
    /// <summary>The library's request: the agent from the claims, the customer and incident from the case.</summary>
    public ResolutionRequest ToRequest(AgentIdentity agent, SupportCase supportCase) =>
        agent.CreateRequest(supportCase.CustomerId, supportCase.Id, Action ?? string.Empty, Amount) with
    {
        ReasonCodes = ReasonCodes,
        CustomerSegment = CustomerSegment,
        Currency = Currency,
        IdempotencyKey = IdempotencyKey,
    };
}

/// <summary>Opens a case owned by the signed-in agent.</summary>
public sealed record OpenCaseBody(string? CustomerId, string? Subject, CasePriority Priority = CasePriority.Normal, string? Note = null);

/// <summary>A move on a case: resolve, approve.</summary>
public sealed record CaseMoveBody(string? Note = null, long? ExpectedVersion = null);

/// <summary>A rejection, which needs a reason.</summary>
public sealed record RejectBody(string? Reason, long? ExpectedVersion = null);

/// <summary>One turn of a conversation.</summary>
public sealed record TurnBody(Speaker Speaker, string? Text, DateTimeOffset? At = null);

/// <summary>The conversation so far, for live nudges.</summary>
public sealed record NudgeBody(IReadOnlyList<TurnBody>? Turns, string? CustomerSegment = null, string? Channel = null);

/// <summary>A finished interaction to review.</summary>
public sealed record ReviewBody(
    string? CaseId,
    string? CustomerId,
    IReadOnlyList<TurnBody>? Turns,
    string? Channel = null,
    bool? ResolvedAtFirstContact = null,
    int Transfers = 0,
    SurveyAnswers? Survey = null);
