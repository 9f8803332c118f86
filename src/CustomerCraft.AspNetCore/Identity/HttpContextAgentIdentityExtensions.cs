using CustomerCraft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the CustomerCraft agent from a request.</summary>
public static class HttpContextAgentIdentityExtensions
{
    private static readonly object ItemKey = new();

    /// <summary>
    /// The signed-in agent: id and role from the user's claims, as configured by
    /// <c>AddAspNetCore()</c>. Read once per request and kept for the rest of it.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <exception cref="AgentIdentityException">Nobody is signed in, the user has no id claim, or none of their roles is configured.</exception>
    /// <exception cref="InvalidOperationException"><c>AddAspNetCore()</c> was not called on the CustomerCraft builder.</exception>
    public static AgentIdentity GetAgentIdentity(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out object? cached) && cached is AgentIdentity identity)
        {
            return identity;
        }

        AgentIdentityReader reader = context.RequestServices.GetService<AgentIdentityReader>()
            ?? throw new InvalidOperationException("CustomerCraft's ASP.NET Core integration is not registered: call AddAspNetCore() on the builder AddCustomerCraft(...) returns.");
        identity = reader.Read(context.User);
        context.Items[ItemKey] = identity;
        return identity;
    }
}
