using CustomerCraft.Coaching.Scoring;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Escalation.Sla;
using CustomerCraft.Policy;

namespace CustomerCraft.DependencyInjection;

/// <summary>Every capability's part compiler: the one place that knows them all (the composition root).</summary>
internal static class PolicyParts
{
    public static IPolicyPartCompiler[] Create(ConditionTypeRegistry conditionTypes) =>
        [new EmpowermentPartCompiler(conditionTypes), new EscalationPartCompiler(), new CoachingPartCompiler()];
}
