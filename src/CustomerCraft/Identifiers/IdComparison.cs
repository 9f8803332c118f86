namespace CustomerCraft.Identifiers;

/// <summary>
/// How CustomerCraft decides that two ids (agent, customer, incident, case) name the same person or
/// thing: in the four-eyes rule, in per-agent, per-customer and per-incident budgets, in the check
/// that a retried grant is the same request, and in case ownership.
/// Set with <c>CustomerCraft:IdComparison</c>; read once at start-up.
/// </summary>
public enum IdComparison
{
    /// <summary>
    /// The default: ids equal under <see cref="StringComparer.OrdinalIgnoreCase"/>, so <c>ana</c>
    /// and <c>ANA</c> are one agent with one budget who cannot approve their own request. Suits
    /// identity systems that treat user names case-insensitively (Active Directory, Entra ID,
    /// e-mail addresses).
    /// </summary>
    IgnoreCase = 0,

    /// <summary>
    /// Ids equal only character for character (<see cref="StringComparer.Ordinal"/>), for hosts whose
    /// identity system issues case-sensitive ids, where <c>ana</c> and <c>ANA</c> are two people.
    /// </summary>
    Exact = 1,
}
