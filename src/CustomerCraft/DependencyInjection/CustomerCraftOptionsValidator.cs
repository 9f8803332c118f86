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
        var errors = new List<string>();
        PolicyCompilation empowerment = PolicyProvider.Compile(options, source, conditionTypes, version: 0);
        errors.AddRange(empowerment.Errors);
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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
