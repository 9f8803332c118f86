using System.Security.Claims;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.Options;

namespace CustomerCraft.AspNetCore;

/// <summary>
/// Turns a <see cref="ClaimsPrincipal"/> into an <see cref="AgentIdentity"/>: the id claim, and of
/// the role claims the highest-ranking configured role. The role table follows policy reloads.
/// </summary>
internal sealed class AgentIdentityReader(
    IOptionsMonitor<CustomerCraftAspNetCoreOptions> options,
    IOptionsMonitor<CustomerCraftOptions> policy)
{
    private RoleTable? _roles;

    public AgentIdentity Read(ClaimsPrincipal? user)
    {
        CustomerCraftAspNetCoreOptions settings = options.CurrentValue;

        // One identity answers for the agent: the first authenticated one that carries an id. Its
        // own claims give the role and name, so a claim on an unauthenticated identity (added by a
        // claims transformation, say) or on another scheme's identity never raises the authority.
        ClaimsIdentity? identity = null;
        bool authenticated = false;
        foreach (ClaimsIdentity candidate in user?.Identities ?? [])
        {
            if (!candidate.IsAuthenticated)
            {
                continue;
            }

            authenticated = true;
            if (!string.IsNullOrWhiteSpace(candidate.FindFirst(settings.AgentIdClaimType)?.Value))
            {
                identity = candidate;
                break;
            }
        }

        if (!authenticated)
        {
            throw new AgentIdentityException(AgentIdentityProblem.NotAuthenticated, "Sign in first: CustomerCraft acts for the signed-in agent.");
        }

        if (identity is null)
        {
            throw new AgentIdentityException(AgentIdentityProblem.MissingAgentId, $"The signed-in user has no '{settings.AgentIdClaimType}' claim, which CustomerCraft reads as the agent id (CustomerCraftAspNetCoreOptions.AgentIdClaimType).");
        }

        string id = identity.FindFirst(settings.AgentIdClaimType)!.Value;
        RoleTable roles = Roles();
        string? best = null;
        int bestRank = int.MinValue;
        foreach (Claim claim in identity.FindAll(settings.RoleClaimType))
        {
            if (roles.Ranks.TryGetValue(claim.Value.Trim(), out (string Name, int Rank) role) && role.Rank > bestRank)
            {
                (best, bestRank) = role;
            }
        }

        if (best is null)
        {
            throw new AgentIdentityException(AgentIdentityProblem.NoConfiguredRole, $"'{id}' has no '{settings.RoleClaimType}' claim naming a role configured under CustomerCraft:Empowerment:Roles ({string.Join(", ", roles.Ranks.Values.OrderBy(r => r.Rank).Select(r => r.Name))}).");
        }

        return new AgentIdentity(id, best, identity.FindFirst(settings.NameClaimType)?.Value);
    }

    private RoleTable Roles()
    {
        // The options instance changes on every policy reload; rebuild the table only then.
        EmpowermentOptions current = policy.CurrentValue.Empowerment;
        RoleTable? table = _roles;
        if (table is null || !ReferenceEquals(table.Source, current))
        {
            var ranks = new Dictionary<string, (string, int)>(StringComparer.OrdinalIgnoreCase);
            foreach ((string name, RoleOptions role) in current.Roles)
            {
                ranks[name] = (name, role?.Rank ?? int.MinValue);
            }

            _roles = table = new RoleTable(current, ranks);
        }

        return table;
    }

    private sealed record RoleTable(EmpowermentOptions Source, Dictionary<string, (string Name, int Rank)> Ranks);
}
