using System.Reflection;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using Microsoft.AspNetCore.Http;

namespace CustomerCraft.AspNetCore;

/// <summary>
/// The signed-in agent as CustomerCraft sees them: an id and one configured role, both read from
/// the authenticated user's claims (<see cref="CustomerCraftAspNetCoreOptions"/>), never from the
/// request body, so a client cannot raise its own authority by saying it is a manager.
/// </summary>
/// <remarks>
/// Declare it as a parameter of a minimal API handler and ASP.NET Core binds it from the user
/// (<see cref="BindAsync"/>); elsewhere call <c>HttpContext.GetAgentIdentity()</c>. A request
/// without a signed-in user, or whose user holds no configured role, fails with an
/// <see cref="AgentIdentityException"/>, which <c>AddAspNetCore()</c> turns into a 401 or 403
/// problem response.
/// </remarks>
public sealed record AgentIdentity
{
    /// <summary>Creates an identity.</summary>
    /// <param name="id">The agent's id.</param>
    /// <param name="role">The configured role the agent acts in.</param>
    /// <param name="name">A display name, when known.</param>
    public AgentIdentity(string id, string role, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        Id = id;
        Role = role;
        Name = name;
    }

    /// <summary>The agent's id, from <see cref="CustomerCraftAspNetCoreOptions.AgentIdClaimType"/>.</summary>
    public string Id { get; }

    /// <summary>The configured role the agent acts in, spelled as in the configuration.</summary>
    public string Role { get; }

    /// <summary>The display name, from <see cref="CustomerCraftAspNetCoreOptions.NameClaimType"/>, when present.</summary>
    public string? Name { get; }

    /// <summary>The agent as the case workflow records them (owner, handler, approver).</summary>
    public CaseActor ToActor() => new(Id, Role);

    /// <summary>
    /// A request by this agent: the agent's id and role come from the signed-in user, the rest from
    /// the arguments, so it compiles without naming <see cref="ResolutionRequest.AgentId"/> and
    /// <see cref="ResolutionRequest.Role"/> and nothing a client sends can change who asks. Add the
    /// optional facts with <c>with { ReasonCodes = ..., IdempotencyKey = ... }</c>.
    /// </summary>
    /// <param name="customerId">The customer the resolution is for.</param>
    /// <param name="incidentId">The incident (ticket, case) it settles.</param>
    /// <param name="action">The action, a key of <c>CustomerCraft:Empowerment:Actions</c>.</param>
    /// <param name="amount">The amount, in the policy's currency unless <c>Currency</c> is set.</param>
    public ResolutionRequest CreateRequest(string customerId, string incidentId, string action, decimal amount) => new()
    {
        AgentId = Id,
        Role = Role,
        CustomerId = customerId,
        IncidentId = incidentId,
        Action = action,
        Amount = amount,
    };

    /// <summary>
    /// The request with this agent's id and role in place of whatever it carried: use it on every
    /// request built from client input.
    /// </summary>
    /// <param name="request">The request to stamp.</param>
    public ResolutionRequest Stamp(ResolutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request with { AgentId = Id, Role = Role };
    }

    /// <summary>Binds the identity of a minimal API handler parameter from the request's user.</summary>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter being bound (unused).</param>
    /// <exception cref="AgentIdentityException">There is no signed-in agent with a configured role.</exception>
    public static ValueTask<AgentIdentity?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.GetAgentIdentity());
    }
}
