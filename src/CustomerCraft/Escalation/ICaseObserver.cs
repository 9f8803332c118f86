namespace CustomerCraft.Escalation;

/// <summary>
/// Told about every saved change to a case: for notifications, dashboards or audit. Called after
/// the change is stored, one observer after another; an observer that throws is logged and does
/// not undo the change or stop the others. Register with <c>builder.AddCaseObserver&lt;T&gt;()</c>.
/// </summary>
public interface ICaseObserver
{
    /// <summary>Called once per saved change.</summary>
    ValueTask OnCaseChangedAsync(CaseChange change, CancellationToken cancellationToken);
}

/// <summary>A saved change to a case.</summary>
/// <param name="Previous">The case before (<see langword="null"/> when it was just opened).</param>
/// <param name="Current">The case as saved.</param>
/// <param name="Events">The timeline entries the change appended, oldest first.</param>
public sealed record CaseChange(SupportCase? Previous, SupportCase Current, IReadOnlyList<CaseEvent> Events);
