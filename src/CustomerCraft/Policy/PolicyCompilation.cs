namespace CustomerCraft.Policy;

/// <summary>The result of compiling a policy: a snapshot, or the errors that stopped it.</summary>
internal sealed record PolicyCompilation(PolicySnapshot? Snapshot, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Snapshot is not null;
}
