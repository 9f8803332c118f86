using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// A condition compiled from configuration: the root of its test in the policy's node table, the
/// actions and roles it applies to, and its effect.
/// </summary>
internal sealed class CompiledCondition
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    /// <summary>The index of the condition's test in <see cref="EmpowermentPolicy.Tests"/>.</summary>
    public required int Test { get; init; }

    public required ConditionEffect Effect { get; init; }

    /// <summary>Per action index, whether the condition applies; <see langword="null"/> for every action.</summary>
    public bool[]? Actions { get; init; }

    /// <summary>Per role index, whether a limit effect changes the role's authority; <see langword="null"/> for every role.</summary>
    public bool[]? Roles { get; init; }

    public decimal Multiplier
    {
        get;
        init
        {
            field = value;
            Factor = MinorUnits.Factor.Of(value);
        }
    } = 1m;

    /// <summary><see cref="Multiplier"/> as an exact fraction, for integer arithmetic on minor units.</summary>
    public MinorUnits.Factor Factor { get; private set; } = MinorUnits.Factor.One;

    public decimal? Limit { get; init; }

    public LimitScopes Scopes { get; init; }

    /// <summary>The lowest rank that may approve, for forced approvals; <c>int.MinValue</c> when not set.</summary>
    public int MinimumApproverRank { get; init; } = int.MinValue;

    public string? ApproverRole { get; init; }

    public string? Description { get; init; }

    public bool AppliesTo(int action) => Actions is null || Actions[action];

    public bool AppliesToRole(int role) => Roles is null || Roles[role];
}
