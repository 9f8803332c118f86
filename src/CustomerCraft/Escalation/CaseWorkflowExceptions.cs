namespace CustomerCraft.Escalation;

/// <summary>The base of the errors the case workflow raises for a case.</summary>
public class CaseWorkflowException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CaseWorkflowException(string caseId, string message, Exception? innerException = null)
        : base(message, innerException) => CaseId = caseId;

    /// <summary>The case.</summary>
    public string CaseId { get; }
}

/// <summary>No case with the id exists.</summary>
public sealed class CaseNotFoundException(string caseId)
    : CaseWorkflowException(caseId, $"Case '{caseId}' does not exist.");

/// <summary>
/// A case with the id already exists, so a new one cannot be opened under it. Unlike a
/// <see cref="CaseConcurrencyException"/>, retrying cannot succeed: open the case under another id,
/// or work the existing one.
/// </summary>
public sealed class CaseAlreadyExistsException(string caseId)
    : CaseWorkflowException(caseId, $"Case '{caseId}' already exists; a new case needs another id. Nothing was changed.");

/// <summary>The move is not allowed in the case's current state; nothing was changed.</summary>
public sealed class CaseTransitionException : CaseWorkflowException
{
    /// <summary>Creates the exception.</summary>
    public CaseTransitionException(string caseId, CaseState state, CaseTrigger trigger, string? detail = null)
        : base(caseId, $"Case '{caseId}' is {state}: {trigger} is not allowed in that state{(detail is null ? "" : $" ({detail})")}. Nothing was changed.")
    {
        State = state;
        Trigger = trigger;
    }

    /// <summary>The state the case was in.</summary>
    public CaseState State { get; }

    /// <summary>The move that was refused.</summary>
    public CaseTrigger Trigger { get; }
}

/// <summary>
/// Someone else changed the case first (its version moved on). Nothing of this call was kept:
/// read the case again and retry if the move still makes sense.
/// </summary>
public sealed class CaseConcurrencyException : CaseWorkflowException
{
    /// <summary>Creates the exception.</summary>
    public CaseConcurrencyException(string caseId, long expectedVersion, long? actualVersion, string? detail = null)
        : base(caseId, $"Case '{caseId}' was changed by someone else (expected version {expectedVersion}, found {(actualVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")}){(detail is null ? "" : $": {detail}")}. Read it again and retry.")
    {
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The version the caller acted on.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version the store holds, when known.</summary>
    public long? ActualVersion { get; }
}

/// <summary>Why an approval (or a request for one) was refused.</summary>
public enum ApprovalRefusal
{
    /// <summary>The decision allows the request: the requester can grant it without asking.</summary>
    NotRequired,

    /// <summary>The decision denies the request: nobody can approve it.</summary>
    Denied,

    /// <summary>No ladder level has a role that covers the decision.</summary>
    NoApprovalLevel,

    /// <summary>The approver asked for it themselves (four-eyes rule).</summary>
    OwnRequest,

    /// <summary>The approver's own authority does not cover the request.</summary>
    InsufficientAuthority,
}

/// <summary>An approval, or a request for one, was refused; the case was not changed.</summary>
public sealed class ApprovalRefusedException : CaseWorkflowException
{
    /// <summary>Creates the exception.</summary>
    public ApprovalRefusedException(string caseId, ApprovalRefusal reason, string message, Exception? innerException = null)
        : base(caseId, message, innerException) => Reason = reason;

    /// <summary>Why.</summary>
    public ApprovalRefusal Reason { get; }
}
