using CustomerCraft.Policy;

namespace CustomerCraft.Insight.Description;

/// <summary>Describes the snapshot in force, once per snapshot: a reload publishes a new snapshot, and the next read describes it.</summary>
internal sealed class PolicyDescriber(PolicyProvider provider) : IPolicyDescriber
{
    // The snapshot and its description as one reference, so a reader never pairs a description
    // with another snapshot; two threads racing on a new snapshot both describe it, harmlessly.
    private Tuple<PolicySnapshot, PolicyDescription>? _cached;

    public PolicyDescription Current
    {
        get
        {
            PolicySnapshot snapshot = provider.Current;
            Tuple<PolicySnapshot, PolicyDescription>? cached = Volatile.Read(ref _cached);
            if (cached is not null && ReferenceEquals(cached.Item1, snapshot))
            {
                return cached.Item2;
            }

            PolicyDescription description = PolicyDescriptionWriter.Describe(snapshot);
            Volatile.Write(ref _cached, Tuple.Create(snapshot, description));
            return description;
        }
    }
}
