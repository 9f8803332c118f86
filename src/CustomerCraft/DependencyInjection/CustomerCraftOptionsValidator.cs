using CustomerCraft.Empowerment.Policy;
using Microsoft.Extensions.Options;

namespace CustomerCraft.DependencyInjection;

/// <summary>
/// Validates the whole <see cref="CustomerCraftOptions"/> tree and reports every error at once,
/// each prefixed with its configuration path. Registered with <c>ValidateOnStart</c>.
/// </summary>
internal sealed class CustomerCraftOptionsValidator(ConditionTypeRegistry conditionTypes, CustomerCraftConfiguration source) : IValidateOptions<CustomerCraftOptions>
{
    public ValidateOptionsResult Validate(string? name, CustomerCraftOptions options)
    {
        // The compilation reports the binding's errors too.
        var errors = new List<string>(PolicyProvider.Compile(options, source, conditionTypes).Errors);
        if (options.DecisionLog?.Capacity < 1)
        {
            errors.Add($"{source.Path}:DecisionLog:Capacity: {options.DecisionLog.Capacity} must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// A value that did not bind leaves its setting unset, and the compiler then says it is missing:
    /// one mistake, two messages. The compiler's message about a setting that failed to bind is dropped.
    /// </summary>
    internal static IEnumerable<string> WithoutKnockOns(IEnumerable<string> compileErrors, List<string> bindingErrors)
    {
        if (bindingErrors.Count == 0)
        {
            return compileErrors;
        }

        string[] paths = [.. bindingErrors.Select(PathOf)];
        return compileErrors.Where(error =>
        {
            string path = PathOf(error);
            return !paths.Any(p =>
                p.Equals(path, StringComparison.OrdinalIgnoreCase)
                || path.StartsWith(p + ":", StringComparison.OrdinalIgnoreCase)
                || (p.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase) && error.Contains("missing", StringComparison.Ordinal)));
        });

        static string PathOf(string error) => error.IndexOf(": ", StringComparison.Ordinal) is int end and >= 0 ? error[..end] : error;
    }
}
