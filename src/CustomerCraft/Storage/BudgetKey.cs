namespace CustomerCraft.Storage;

/// <summary>Identifies one budget: a subject (incident, customer or agent) and an action.</summary>
/// <param name="Scope">The kind of subject.</param>
/// <param name="SubjectId">The incident, customer or agent id.</param>
/// <param name="Action">The action name as configured.</param>
public readonly record struct BudgetKey(BudgetScope Scope, string SubjectId, string Action)
{
    /// <summary>Compares ids ordinally and action names ignoring case, as configuration does.</summary>
    public bool Equals(BudgetKey other) =>
        Scope == other.Scope
        && string.Equals(SubjectId, other.SubjectId, StringComparison.Ordinal)
        && string.Equals(Action, other.Action, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine((int)Scope, SubjectId, StringComparer.OrdinalIgnoreCase.GetHashCode(Action));

    /// <inheritdoc />
    public override string ToString() => $"{Scope}:{SubjectId}:{Action}";
}
