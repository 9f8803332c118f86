using CustomerCraft;
using CustomerCraft.DependencyInjection;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Coaching;
using CustomerCraft.Coaching.Scoring;
using CustomerCraft.Coaching.Sentiment;
using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Workflow;
using CustomerCraft.Identifiers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CustomerCraft in a service collection.</summary>
public static class CustomerCraftServiceCollectionExtensions
{
    /// <summary>
    /// Adds CustomerCraft, bound to a configuration section (conventionally <c>CustomerCraft</c>).
    /// The configuration is validated at start-up; when it reloads, a valid policy replaces the one
    /// in force and an invalid one is logged and ignored.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>CustomerCraft</c> section, for example <c>builder.Configuration.GetSection("CustomerCraft")</c>.</param>
    /// <returns>A builder to replace stores and add conditions.</returns>
    public static ICustomerCraftBuilder AddCustomerCraft(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        string path = configuration is IConfigurationSection section ? section.Path : CustomerCraftOptions.SectionName;

        // Bound through Configure rather than Bind: no change-token source is registered, so the
        // options monitor never rebinds inside a reload callback (where a bad value would throw on a
        // background thread). PolicyProvider rebinds on reload and catches failures.
        services.AddOptions<CustomerCraftOptions>().Configure(options => StrictConfigurationBinder.Bind(configuration, options));
        return AddCore(services, new CustomerCraftConfiguration(configuration, path));
    }

    /// <summary>Adds CustomerCraft, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; validated at start-up like configuration.</param>
    /// <returns>A builder to replace stores and add conditions.</returns>
    public static ICustomerCraftBuilder AddCustomerCraft(this IServiceCollection services, Action<CustomerCraftOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CustomerCraftOptions>().Configure(configure);
        return AddCore(services, new CustomerCraftConfiguration(null, CustomerCraftOptions.SectionName));
    }

    private static CustomerCraftBuilder AddCore(IServiceCollection services, CustomerCraftConfiguration source)
    {
        if (services.Any(d => d.ServiceType == typeof(CustomerCraftConfiguration)))
        {
            throw new InvalidOperationException("AddCustomerCraft was already called on this service collection; call it once and configure through the builder it returns.");
        }

        services.AddSingleton(source);
        services.AddOptions<CustomerCraftOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CustomerCraftOptions>, CustomerCraftOptionsValidator>());
        services.AddOptions<InMemoryDecisionLogOptions>().Configure<IOptions<CustomerCraftOptions>>((log, root) => log.Capacity = root.Value.DecisionLog.Capacity);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new IdRules(sp.GetRequiredService<IOptions<CustomerCraftOptions>>().Value.IdComparison));
        services.TryAddSingleton<CustomerCraftTelemetry>();
        services.TryAddSingleton(sp => new ConditionTypeRegistry(sp.GetServices<ConditionTypeRegistration>(), sp));
        services.TryAddSingleton<PolicyProvider>();
        services.TryAddSingleton<IBudgetLedger, InMemoryBudgetLedger>();
        services.TryAddSingleton<IDecisionLog, InMemoryDecisionLog>();
        services.TryAddSingleton<IResolutionAuthority, ResolutionAuthority>();
        services.TryAddSingleton<ICaseStore, InMemoryCaseStore>();
        services.TryAddSingleton<ICaseWorkflow, CaseWorkflow>();
        services.TryAddSingleton<CustomerCraft.Insight.IPolicyWhatIf, CustomerCraft.Insight.PolicyWhatIf>();
        services.TryAddSingleton<ISentimentAnalyzer, LexiconSentimentAnalyzer>();
        services.TryAddSingleton(sp => CoachingLimits.From(sp.GetRequiredService<IOptions<CustomerCraftOptions>>().Value.Coaching));
        services.TryAddSingleton<IInteractionCoach, InteractionCoach>();
        services.TryAddSingleton<IEmpowermentCoach, EmpowermentCoach>();
        return new CustomerCraftBuilder(services);
    }
}
