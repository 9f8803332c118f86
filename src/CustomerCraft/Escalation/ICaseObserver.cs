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
public sealed class CaseChange
{
    internal CaseChange(SupportCase? previous, SupportCase current, IReadOnlyList<CaseEvent> events)
    {
        Previous = previous;
        Current = current;
        Events = events;
    }

    /// <summary>The case before (<see langword="null"/> when it was just opened).</summary>
    public SupportCase? Previous { get; }

    /// <summary>The case as saved.</summary>
    public SupportCase Current { get; }

    /// <summary>The timeline entries the change appended, oldest first.</summary>
    public IReadOnlyList<CaseEvent> Events { get; }
}
