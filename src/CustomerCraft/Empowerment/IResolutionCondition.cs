namespace CustomerCraft.Empowerment;

/// <summary>
/// A host-defined condition: a typed test a host registers with
/// <c>builder.AddCondition&lt;T&gt;("TypeName")</c> and names in configuration
/// (<c>"Type": "TypeName"</c>). Its effect (multiplier or forced outcome) and its action filter
/// are configured like any built-in condition's.
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
/// <param name="ConditionName">The condition's key in configuration.</param>
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
