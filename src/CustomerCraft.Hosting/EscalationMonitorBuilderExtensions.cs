using CustomerCraft;
using CustomerCraft.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the CustomerCraft hosted services.</summary>
public static class EscalationMonitorBuilderExtensions
{
    /// <summary>
    /// Runs the escalation monitor as a hosted service: due SLA warnings and breaches are
    /// processed every <see cref="EscalationMonitorOptions.Interval"/> (default 30 seconds).
    /// </summary>
    public static ICustomerCraftBuilder AddEscalationMonitor(this ICustomerCraftBuilder builder, Action<EscalationMonitorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OptionsBuilder<EscalationMonitorOptions> options = builder.Services.AddOptions<EscalationMonitorOptions>()
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1) && o.Interval <= TimeSpan.FromDays(1), "EscalationMonitorOptions.Interval must be between 1 second and 1 day.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EscalationMonitor>());
        return builder;
    }
}
