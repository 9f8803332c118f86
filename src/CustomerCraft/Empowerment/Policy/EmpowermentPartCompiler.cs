using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>Compiles the empowerment part: limits, the ladder rule, named tests and conditions (with the host's condition types).</summary>
internal sealed class EmpowermentPartCompiler(ConditionTypeRegistry conditionTypes) : IPolicyPartCompiler
{
    public object? Compile(CustomerCraftOptions options, PolicySnapshot core, CustomerCraftConfiguration source, List<string> errors) =>
        EmpowermentCompiler.Compile(options.Empowerment ?? new EmpowermentOptions(), core, conditionTypes, errors);
}
