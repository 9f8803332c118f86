using CustomerCraft;
using CustomerCraft.AspNetCore;
using CustomerCraft.AspNetCore.Serialization;
using CustomerCraft.AspNetCore.CrossSite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds CustomerCraft's ASP.NET Core integration.</summary>
public static class AspNetCoreBuilderExtensions
{
    /// <summary>
    /// Reads the agent from the signed-in user's claims (<see cref="AgentIdentity"/>) and answers
    /// CustomerCraft's errors with RFC 7807 problem details: 400 for a bad field, 401/403 for no
    /// agent identity, 404 for an unknown case, 409 for an illegal transition or a concurrency
    /// conflict (with <c>Retry-After: 0</c>), 403/422 for a refused approval, and 500, logged, for
    /// a configuration error. CustomerCraft's enums are written by name (<c>"outcome": "Allowed"</c>)
    /// in minimal API and MVC responses; a host's own enums are left as its options say. Unsafe
    /// requests that carry cookies from another origin are refused with 403 (<see cref="CustomerCraftAspNetCoreOptions.RefuseCrossSiteRequests"/>, on by default).
    /// </summary>
    /// <remarks>
    /// Registers <see cref="Microsoft.AspNetCore.Http.IProblemDetailsService"/> (<c>AddProblemDetails</c>),
    /// an <see cref="Microsoft.AspNetCore.Diagnostics.IExceptionHandler"/>, and a start-up filter
    /// that puts <c>UseExceptionHandler()</c> first in the pipeline, so nothing else is needed in
    /// <c>Program.cs</c>. In Development a developer-page filter does the same ahead of the developer
    /// exception page. Exceptions that are not CustomerCraft's pass through to the host's own handling.
    /// </remarks>
    /// <param name="builder">The builder <c>AddCustomerCraft(...)</c> returned.</param>
    /// <param name="configure">Sets the claim types; the defaults are ASP.NET Core's.</param>
    public static ICustomerCraftBuilder AddAspNetCore(this ICustomerCraftBuilder builder, Action<CustomerCraftAspNetCoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        OptionsBuilder<CustomerCraftAspNetCoreOptions> options = services.AddOptions<CustomerCraftAspNetCoreOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.AgentIdClaimType), "CustomerCraftAspNetCoreOptions.AgentIdClaimType is required: the claim that holds the agent id.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RoleClaimType), "CustomerCraftAspNetCoreOptions.RoleClaimType is required: the claim that holds the agent's roles.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.NameClaimType), "CustomerCraftAspNetCoreOptions.NameClaimType is required: the claim that holds a display name.")
            .Validate(o => !o.RefuseCrossSiteRequests || !string.IsNullOrWhiteSpace(o.RequestHeaderName), "CustomerCraftAspNetCoreOptions.RequestHeaderName is required while RefuseCrossSiteRequests is on: the header a client without Origin sends.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<AgentIdentityReader>();
        if (!services.Any(d => d.ServiceType == typeof(EnumNamesMarker)))
        {
            services.AddSingleton<EnumNamesMarker>();
            services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => o.SerializerOptions.Converters.Add(new CustomerCraftEnumConverter()));
            services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => o.JsonSerializerOptions.Converters.Add(new CustomerCraftEnumConverter()));
        }

        services.AddProblemDetails();
        if (!services.Any(d => d.ServiceType == typeof(CustomerCraftExceptionHandler)))
        {
            services.AddSingleton<CustomerCraftExceptionHandler>();
            services.AddExceptionHandler<CustomerCraftExceptionHandler>();
            services.AddTransient<IStartupFilter, ExceptionHandlerStartupFilter>();
            services.AddSingleton<IDeveloperPageExceptionFilter, DeveloperPageProblemFilter>();
        }

        return builder;
    }

    /// <summary>Marks the enum converter as added, so a second <c>AddAspNetCore()</c> does not add it twice.</summary>
    private sealed class EnumNamesMarker;

    /// <summary>Puts the exception handler, then the cross-site guard, in front of everything the host adds.</summary>
    private sealed class ExceptionHandlerStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseExceptionHandler();
            app.UseMiddleware<CrossSiteRequestGuard>();
            next(app);
        };
    }
}
