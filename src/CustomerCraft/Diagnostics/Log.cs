using Microsoft.Extensions.Logging;

namespace CustomerCraft.Diagnostics;

/// <summary>Source-generated log messages. Amounts and ids of people stay out of messages at Information and above.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Policy version {Version} is in force ({RoleCount} roles, {ActionCount} actions).")]
    public static partial void PolicyApplied(ILogger logger, string version, int roleCount, int actionCount);

    [LoggerMessage(2, LogLevel.Error, "Reloaded empowerment configuration is invalid and was rejected; policy version {Version} stays in force. Errors: {Errors}")]
    public static partial void PolicyRejected(ILogger logger, long version, string errors);

    [LoggerMessage(3, LogLevel.Error, "Reloading empowerment configuration failed; policy version {Version} stays in force.")]
    public static partial void PolicyReloadFailed(ILogger logger, long version, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Granted {Action} under grant {GrantId} (role {Role}).")]
    public static partial void Granted(ILogger logger, string action, string grantId, string role);

    [LoggerMessage(5, LogLevel.Debug, "Grant of {Action} refused: {Outcome}.")]
    public static partial void GrantRefused(ILogger logger, string action, Empowerment.DecisionOutcome outcome);

    [LoggerMessage(6, LogLevel.Debug, "Grant {GrantId} replayed for a retried idempotency key.")]
    public static partial void GrantReplayed(ILogger logger, string grantId);

    [LoggerMessage(7, LogLevel.Information, "Grant {GrantId} voided.")]
    public static partial void GrantVoided(ILogger logger, string grantId);

    [LoggerMessage(8, LogLevel.Warning, "Writing to the decision log failed; the grant itself stands.")]
    public static partial void DecisionLogFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Budget reservation for {Action} lost a race {Attempts} times; re-evaluating.")]
    public static partial void ReservationContended(ILogger logger, string action, int attempts);

    [LoggerMessage(20, LogLevel.Warning, "A case observer failed on case {CaseId}; the change itself is saved.")]
    public static partial void CaseObserverFailed(ILogger logger, string caseId, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "Voiding grant {GrantId} after case {CaseId} could not record its approval failed; the grant stays reserved until voided.")]
    public static partial void ApprovalCompensationFailed(ILogger logger, string caseId, string grantId, Exception exception);

    [LoggerMessage(22, LogLevel.Information, "Case {CaseId}: {Timer} clock at level {Level} breached; action {Action}.")]
    public static partial void SlaBreached(ILogger logger, string caseId, string timer, int level, string action);

    [LoggerMessage(23, LogLevel.Warning, "Processing due deadlines of case {CaseId} failed; it will be retried when its claim expires.")]
    public static partial void DueProcessingFailed(ILogger logger, string caseId, Exception exception);
}
