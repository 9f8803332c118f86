using System.Security.Claims;

namespace CustomerCraft.AspNetCore;

/// <summary>
/// How CustomerCraft reads the signed-in agent from the request's <see cref="ClaimsPrincipal"/>.
/// Set with <c>AddAspNetCore(o =&gt; ...)</c>; the defaults suit cookie, JWT bearer and OpenID
/// Connect sign-ins that keep ASP.NET Core's claim types.
/// </summary>
public sealed class CustomerCraftAspNetCoreOptions
{
    /// <summary>
    /// The claim that holds the agent's id (what CustomerCraft records as <c>AgentId</c>, the case
    /// owner and the approver). Default <see cref="ClaimTypes.NameIdentifier"/>; use <c>"sub"</c>
    /// for a JWT handler that keeps the token's own claim names.
    /// </summary>
    public string AgentIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// The claim that holds the agent's roles. Values are matched, ignoring case, against the
    /// roles configured under <c>CustomerCraft:Empowerment:Roles</c>; claims naming other roles
    /// (an application's own "Admin", say) are ignored. A user holding several configured roles
    /// acts with the highest-ranking one. Default <see cref="ClaimTypes.Role"/>.
    /// </summary>
    public string RoleClaimType { get; set; } = ClaimTypes.Role;

    /// <summary>The claim that holds a display name, when there is one. Default <see cref="ClaimTypes.Name"/>.</summary>
    public string NameClaimType { get; set; } = ClaimTypes.Name;
}
