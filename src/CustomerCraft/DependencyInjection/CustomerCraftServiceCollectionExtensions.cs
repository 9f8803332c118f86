using CustomerCraft.Storage;
using CustomerCraft;
using CustomerCraft.DependencyInjection;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Coaching;
using CustomerCraft.Coaching.Scoring;
using CustomerCraft.Coaching.Sentiment;
using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Sla;
using CustomerCraft.Escalation.Workflow;
using CustomerCraft.Policy;
using CustomerCraft.Identifiers;
using CustomerCraft.Retention;
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
    /// <remarks>
    /// It may be called again, as <c>AddOptions</c> may: a later call adds its configuration step
    /// and returns a builder over the same registrations. Options are built in registration order,
    /// so code that adjusts bound values (the overload with <c>configure</c>, or a later
    /// <c>AddCustomerCraft(o => ...)</c>) wins over the section, on every reload too. Binding a
    /// second, different section is refused: only one section can be watched for reloads.
    /// </remarks>
    public static ICustomerCraftBuilder AddCustomerCraft(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        string path = configuration is IConfigurationSection section ? section.Path : CustomerCraftOptions.SectionName;
        CustomerCraftConfiguration? existing = Registered(services);
        if (existing?.Configuration is { } bound)
        {
            if (!ReferenceEquals(bound, configuration) && !string.Equals(existing.Path, path, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"AddCustomerCraft is already bound to the configuration section '{existing.Path}'; it cannot also bind '{path}'. Bind one section, and adjust it in code with AddCustomerCraft(section, options => ...).");
            }

            return new CustomerCraftBuilder(services); // the same section again: bound once, not twice
        }

        // Bound through Configure rather than Bind: no change-token source is registered, so the
        // options monitor never rebinds inside a reload callback (where a bad value would throw on a
        // background thread). PolicyProvider rebinds on reload and catches failures.
        services.AddOptions<CustomerCraftOptions>().Configure(options => options.BindingErrors.AddRange(StrictConfigurationBinder.Bind(configuration, options, path)));
        return AddCore(services, new CustomerCraftConfiguration(configuration, path));
    }

    /// <summary>
    /// Adds CustomerCraft bound to a configuration section, then adjusted in code: the usual way to
    /// keep the policy in appsettings and set what only the host knows (a condition's threshold
    /// from another service, a test's smaller capacity). The adjustment runs after every bind,
    /// reloads included, and the result is validated as a whole.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>CustomerCraft</c> section.</param>
    /// <param name="configure">Adjusts the bound options.</param>
    /// <returns>A builder to replace stores and add conditions.</returns>
    public static ICustomerCraftBuilder AddCustomerCraft(this IServiceCollection services, IConfiguration configuration, Action<CustomerCraftOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ICustomerCraftBuilder builder = services.AddCustomerCraft(configuration);
        services.AddOptions<CustomerCraftOptions>().Configure(configure);
        return builder;
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
        return Registered(services) is null
            ? AddCore(services, new CustomerCraftConfiguration(null, CustomerCraftOptions.SectionName))
            : new CustomerCraftBuilder(services);
    }

    private static CustomerCraftConfiguration? Registered(IServiceCollection services)
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(CustomerCraftConfiguration))
            {
                return descriptor.ImplementationInstance as CustomerCraftConfiguration;
            }
        }

        return null;
    }

    private static CustomerCraftBuilder AddCore(IServiceCollection services, CustomerCraftConfiguration source)
    {
        // A code-only registration that is later bound to a section takes the section as its
        // source: its paths name the errors and its reloads are watched.
        services.RemoveAll<CustomerCraftConfiguration>();
        services.AddSingleton(source);
        if (services.Any(d => d.ServiceType == typeof(PolicyProvider)))
        {
            return new CustomerCraftBuilder(services);
        }

        services.AddOptions<CustomerCraftOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CustomerCraftOptions>, CustomerCraftOptionsValidator>());
        services.AddOptions<InMemoryDecisionLogOptions>().Configure<IOptions<CustomerCraftOptions>>((log, root) => log.Capacity = root.Value.DecisionLog.Capacity);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new IdRules(sp.GetRequiredService<IOptions<CustomerCraftOptions>>().Value.IdComparison));
        services.TryAddSingleton<CustomerCraftTelemetry>();
        services.TryAddSingleton(sp => new ConditionTypeRegistry(sp.GetServices<ConditionTypeRegistration>(), sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPolicyPartCompiler, EmpowermentPartCompiler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPolicyPartCompiler, EscalationPartCompiler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPolicyPartCompiler, CoachingPartCompiler>());
        services.TryAddSingleton<PolicyProvider>();
        services.TryAddSingleton<IBudgetLedger, InMemoryBudgetLedger>();
        services.TryAddSingleton<IDecisionLog, InMemoryDecisionLog>();
        services.TryAddSingleton<IResolutionAuthority, ResolutionAuthority>();
        services.TryAddSingleton<IDataRetention, DataRetention>();
        services.TryAddSingleton<ICaseStore, InMemoryCaseStore>();
        services.TryAddSingleton<ICaseWorkflow, CaseWorkflow>();
        services.TryAddSingleton<CustomerCraft.Insight.IPolicyWhatIf, CustomerCraft.Insight.PolicyWhatIf>();
        services.TryAddSingleton<CustomerCraft.Insight.Description.IPolicyDescriber, CustomerCraft.Insight.Description.PolicyDescriber>();
        services.TryAddSingleton<ISentimentAnalyzer, LexiconSentimentAnalyzer>();
        services.TryAddSingleton(sp => CoachingLimits.From(sp.GetRequiredService<IOptions<CustomerCraftOptions>>().Value.Coaching));
        services.TryAddSingleton<IInteractionCoach, InteractionCoach>();
        services.TryAddSingleton<IEmpowermentCoach, EmpowermentCoach>();
        return new CustomerCraftBuilder(services);
    }
}
