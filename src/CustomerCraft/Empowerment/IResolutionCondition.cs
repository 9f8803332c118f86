namespace CustomerCraft.Empowerment;

/// <summary>
/// A host-defined test: a host registers it with <c>builder.AddCondition&lt;T&gt;("TypeName")</c> and
/// a policy names it inside any test (<c>{ "Condition": "TypeName", "Parameters": { ... } }</c>), where
/// it composes with the built-in attribute tests under all-of, any-of and none-of.
/// </summary>
/// <remarks>
/// A condition is resolved once from the container (as a singleton) and called on every
/// evaluation, so it must be thread-safe and fast; it is evaluated once per request and the
/// answer holds for every action's headroom. Return a completed <see cref="ValueTask{TResult}"/>
/// when no I/O is needed.
/// </remarks>
public interface IResolutionCondition
{
    /// <summary>Answers whether the condition matches the request.</summary>
    /// <param name="context">The request and the condition's configured name and parameters.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    ValueTask<bool> IsMatchAsync(ResolutionConditionContext context, CancellationToken cancellationToken);
}

/// <summary>What a <see cref="IResolutionCondition"/> sees.</summary>
/// <param name="Request">The request being evaluated.</param>
/// <param name="ConditionName">The key of the condition whose test names this host condition (or, inside a named test, the test's name).</param>
/// <param name="Parameters">The condition's <c>Parameters</c> from configuration.</param>
/// <param name="Now">The evaluation time, from the engine's <see cref="TimeProvider"/>.</param>
public readonly record struct ResolutionConditionContext(
    ResolutionRequest Request,
    string ConditionName,
    IReadOnlyDictionary<string, string> Parameters,
    DateTimeOffset Now);

/// <summary>
/// Converts amounts between currencies. Register one with <c>builder.UseCurrencyConverter&lt;T&gt;()</c>
/// to accept requests in currencies other than the policy's; without one such requests are rejected.
/// </summary>
public interface ICurrencyConverter
{
    /// <summary>Converts <paramref name="amount"/> from <paramref name="fromCurrency"/> to <paramref name="toCurrency"/>.</summary>
    ValueTask<decimal> ConvertAsync(decimal amount, string fromCurrency, string toCurrency, CancellationToken cancellationToken);
}
