namespace CustomerCraft.Insight.Description;

/// <summary>
/// The policy in force, described in plain words (<see cref="PolicyDescription"/>): what a team lead
/// reads to know who may do what. Registered by <c>AddCustomerCraft</c> as a thread-safe singleton; it
/// follows reloads, describing each valid policy once.
/// </summary>
public interface IPolicyDescriber
{
    /// <summary>The description of the policy in force now.</summary>
    PolicyDescription Current { get; }
}
