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

    /// <summary>The default <see cref="RequestHeaderName"/>: <c>X-CustomerCraft-Request</c>.</summary>
    public const string DefaultRequestHeaderName = "X-CustomerCraft-Request";

    /// <summary>
    /// Whether unsafe requests (POST, PUT, PATCH, DELETE) that carry cookies are refused with 403
    /// (problem code <c>cross-site-request</c>) unless they come from the application's own origin.
    /// Default <see langword="true"/>: where a cookie carries the agent's identity, any page the
    /// agent visits could otherwise approve or resolve in their name (a <c>SameSite=Strict</c>
    /// cookie ignores ports and subdomains, so <c>http://localhost:8000</c> counts as the same
    /// site as <c>http://localhost:5000</c>). A request is accepted when the browser's
    /// <c>Sec-Fetch-Site</c> says <c>same-origin</c> or <c>none</c>; otherwise when its
    /// <c>Origin</c> equals the request's own scheme, host and port or one of
    /// <see cref="TrustedOrigins"/>; and, from a client that sends neither header, only with the
    /// <see cref="RequestHeaderName"/> header, which a page on another origin cannot add without
    /// the application's CORS consent. Requests without cookies (bearer tokens) are not affected.
    /// </summary>
    public bool RefuseCrossSiteRequests { get; set; } = true;

    /// <summary>
    /// Origins besides the application's own whose unsafe requests are accepted, written as a
    /// browser sends them (<c>https://desk.example.com</c>, no path or trailing slash); compared
    /// ignoring case. Behind a proxy that rewrites <c>Host</c>, list the public origin here (or
    /// use ASP.NET Core's forwarded headers).
    /// </summary>
    public ICollection<string> TrustedOrigins { get; } = new List<string>();

    /// <summary>
    /// The header that a client sending neither <c>Origin</c> nor <c>Sec-Fetch-Site</c> adds (any
    /// value) to show that the request is its own. Default <see cref="DefaultRequestHeaderName"/>.
    /// </summary>
    public string RequestHeaderName { get; set; } = DefaultRequestHeaderName;
}
