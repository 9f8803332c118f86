using CustomerCraft.Policy;

namespace CustomerCraft.Escalation.Sla;

/// <summary>Compiles the escalation part: the ladder of levels over the policy's roles, its targets and calendar.</summary>
internal sealed class EscalationPartCompiler : IPolicyPartCompiler
{
    public object? Compile(CustomerCraftOptions options, PolicySnapshot core, CustomerCraftConfiguration source, List<string> errors) =>
        EscalationCompiler.Compile(options.Escalation ?? new EscalationOptions(), source.EscalationPath, options.Empowerment?.Roles, errors);
}

/// <summary>The escalation part, read from a snapshot as if it were the snapshot's own.</summary>
internal static class EscalationPolicySnapshotExtensions
{
    extension(PolicySnapshot snapshot)
    {
        public EscalationPolicy Escalation => snapshot.Part<EscalationPolicy>();
    }
}
