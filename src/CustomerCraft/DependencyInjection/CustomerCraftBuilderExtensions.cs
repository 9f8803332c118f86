using CustomerCraft.Storage;
using CustomerCraft;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Empowerment.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extends <see cref="ICustomerCraftBuilder"/> with the pieces hosts replace or add.</summary>
public static class CustomerCraftBuilderExtensions
{
    /// <summary>
    /// Registers a host condition type that a policy's tests name with <c>{ "Condition": "<paramref name="type"/>" }</c>.
    /// The condition is resolved once as a singleton.
    /// </summary>
    /// <typeparam name="TCondition">The condition's class.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The type name configuration uses; must not clash with an already registered type.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ICustomerCraftBuilder AddCondition<TCondition>(this ICustomerCraftBuilder builder, string type)
        where TCondition : class, IResolutionCondition
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        if (builder.Services.Any(d => d.ImplementationInstance is ConditionTypeRegistration r && string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"Condition type '{type}' is already registered.", nameof(type));
        }

        builder.Services.TryAddSingleton<TCondition>();
        builder.Services.AddSingleton(new ConditionTypeRegistration(type, typeof(TCondition)));
        return builder;
    }

    /// <summary>Replaces the budget ledger (by default a thread-safe in-memory ledger for one process).</summary>
    public static ICustomerCraftBuilder UseBudgetLedger<TLedger>(this ICustomerCraftBuilder builder)
        where TLedger : class, IBudgetLedger =>
        Replace<IBudgetLedger, TLedger>(builder);

    /// <summary>Replaces the decision log (by default an in-memory log of the latest <c>CustomerCraft:DecisionLog:Capacity</c> records).</summary>
    public static ICustomerCraftBuilder UseDecisionLog<TLog>(this ICustomerCraftBuilder builder)
        where TLog : class, IDecisionLog =>
        Replace<IDecisionLog, TLog>(builder);

    /// <summary>Registers a currency converter so that requests in other currencies are accepted.</summary>
    public static ICustomerCraftBuilder UseCurrencyConverter<TConverter>(this ICustomerCraftBuilder builder)
        where TConverter : class, ICurrencyConverter =>
        Replace<ICurrencyConverter, TConverter>(builder);

    /// <summary>Replaces the in-memory case store with <typeparamref name="TStore"/> (a singleton).</summary>
    public static ICustomerCraftBuilder UseCaseStore<TStore>(this ICustomerCraftBuilder builder)
        where TStore : class, ICaseStore =>
        Replace<ICaseStore, TStore>(builder);

    /// <summary>Adds <typeparamref name="TObserver"/> (a singleton) to the observers told about every saved case change.</summary>
    public static ICustomerCraftBuilder AddCaseObserver<TObserver>(this ICustomerCraftBuilder builder)
        where TObserver : class, ICaseObserver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICaseObserver, TObserver>());
        return builder;
    }

    /// <summary>Replaces the built-in lexicon sentiment analyzer with <typeparamref name="TAnalyzer"/> (a singleton), such as a cloud service.</summary>
    public static ICustomerCraftBuilder UseSentimentAnalyzer<TAnalyzer>(this ICustomerCraftBuilder builder)
        where TAnalyzer : class, CustomerCraft.Coaching.Sentiment.ISentimentAnalyzer =>
        Replace<CustomerCraft.Coaching.Sentiment.ISentimentAnalyzer, TAnalyzer>(builder);

    /// <summary>Puts <typeparamref name="TImplementation"/> in place of whatever <typeparamref name="TService"/> was registered, as a singleton.</summary>
    private static ICustomerCraftBuilder Replace<TService, TImplementation>(ICustomerCraftBuilder builder)
        where TService : class
        where TImplementation : class, TService
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<TService, TImplementation>());
        return builder;
    }
}
