namespace CustomerCraft.Insight.Description;

/// <summary>
/// What changed between two <see cref="PolicyDescription"/>s, line by line: lines only the new one
/// has, lines only the old one has, and lines whose text changed. Made by <see cref="PolicyDescription.Diff"/>.
/// </summary>
public sealed class PolicyDescriptionDiff
{
    internal PolicyDescriptionDiff(IReadOnlyList<PolicyDescriptionLine> added, IReadOnlyList<PolicyDescriptionLine> removed, IReadOnlyList<PolicyDescriptionChange> changed)
    {
        Added = added;
        Removed = removed;
        Changed = changed;
    }

    /// <summary>Lines the new description has and the old one does not, in the new one's order.</summary>
    public IReadOnlyList<PolicyDescriptionLine> Added { get; }

    /// <summary>Lines the old description has and the new one does not, in the old one's order.</summary>
    public IReadOnlyList<PolicyDescriptionLine> Removed { get; }

    /// <summary>Lines both have with different text, in the new one's order.</summary>
    public IReadOnlyList<PolicyDescriptionChange> Changed { get; }

    /// <summary><see langword="true"/> when the two descriptions read the same, line for line.</summary>
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;
}
