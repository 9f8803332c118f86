namespace CustomerCraft.Empowerment;

/// <summary>What the empowerment engine answers for a request.</summary>
public enum DecisionOutcome
{
    /// <summary>The agent may do it now, without asking anyone.</summary>
    Allowed,

    /// <summary>It exceeds the agent's authority; <see cref="AuthorityDecision.RequiredApproverRole"/> names who can approve.</summary>
    RequiresApproval,

    /// <summary>No role may do it: a condition denies it, or it exceeds every role's authority.</summary>
    Denied,
}
