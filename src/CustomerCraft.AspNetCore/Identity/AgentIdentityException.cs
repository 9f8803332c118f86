namespace CustomerCraft.AspNetCore;

/// <summary>Why a request has no CustomerCraft agent identity.</summary>
public enum AgentIdentityProblem
{
    /// <summary>Nobody is signed in (mapped to 401).</summary>
    NotAuthenticated,

    /// <summary>The user has no claim of <see cref="CustomerCraftAspNetCoreOptions.AgentIdClaimType"/> (mapped to 403).</summary>
    MissingAgentId,

    /// <summary>None of the user's role claims names a configured CustomerCraft role (mapped to 403).</summary>
    NoConfiguredRole,
}

/// <summary>The request's user cannot act as a CustomerCraft agent; nothing was done.</summary>
public sealed class AgentIdentityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgentIdentityException(AgentIdentityProblem problem, string message)
        : base(message) => Problem = problem;

    /// <summary>What is missing.</summary>
    public AgentIdentityProblem Problem { get; }
}
