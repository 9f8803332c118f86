using CustomerCraft.Policy;
using Microsoft.Extensions.Options;

namespace CustomerCraft.DependencyInjection;

/// <summary>
/// Validates the whole <see cref="CustomerCraftOptions"/> tree and reports every error at once,
/// each prefixed with its configuration path. Registered with <c>ValidateOnStart</c>.
/// </summary>
internal sealed class CustomerCraftOptionsValidator(IEnumerable<IPolicyPartCompiler> parts, CustomerCraftConfiguration source) : IValidateOptions<CustomerCraftOptions>
{
    private readonly IPolicyPartCompiler[] _parts = [.. parts];

    public ValidateOptionsResult Validate(string? name, CustomerCraftOptions options)
    {
        // The compilation reports the binding's errors too.
        var errors = new List<string>(PolicyProvider.Compile(options, source, _parts).Errors);
        if (options.Escalation?.MaxNoteLength < 1)
        {
            errors.Add($"{source.Path}:Escalation:MaxNoteLength: {options.Escalation.MaxNoteLength} must be at least 1.");
        }

        if (options.Coaching?.MaxTurns < 1)
        {
            errors.Add($"{source.Path}:Coaching:MaxTurns: {options.Coaching.MaxTurns} must be at least 1.");
        }

        if (options.Coaching?.MaxTurnLength < 1)
        {
            errors.Add($"{source.Path}:Coaching:MaxTurnLength: {options.Coaching.MaxTurnLength} must be at least 1.");
        }

        if (options.DecisionLog?.Capacity < 1)
        {
            errors.Add($"{source.Path}:DecisionLog:Capacity: {options.DecisionLog.Capacity} must be at least 1.");
        }

        if (options.Retention is { } retention)
        {
            errors.AddRange(retention.Validate($"{source.Path}:Retention"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
