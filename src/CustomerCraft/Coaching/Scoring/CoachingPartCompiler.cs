using CustomerCraft.Policy;

namespace CustomerCraft.Coaching.Scoring;

/// <summary>Compiles the coaching part: criteria, phrases and nudges over the policy's actions.</summary>
internal sealed class CoachingPartCompiler : IPolicyPartCompiler
{
    public object? Compile(CustomerCraftOptions options, PolicySnapshot core, CustomerCraftConfiguration source, List<string> errors) =>
        CoachingPolicy.Compile(options.Coaching ?? new CoachingOptions(), $"{source.Path}:Coaching", options.Empowerment?.Actions, errors);
}

/// <summary>The coaching part, read from a snapshot as if it were the snapshot's own.</summary>
internal static class CoachingPolicySnapshotExtensions
{
    extension(PolicySnapshot snapshot)
    {
        public CoachingPolicy Coaching => snapshot.Part<CoachingPolicy>();
    }
}
