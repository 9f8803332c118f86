using System.Text;
using CustomerCraft.DependencyInjection;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Insight.Description;

/// <summary>
/// A policy in plain words, as a team lead reads it: its version, each role's authority per action
/// (per-incident limits and budgets), the conditions, and the approval ladder. Immutable. Besides the
/// typed parts it is a list of <see cref="Lines"/> with stable keys such as
/// <c>roles/Agent/actions/Refund/limit</c>, so that two versions of a policy can be compared line by
/// line (<see cref="Diff"/>). A host gets the policy in force from <see cref="IPolicyDescriber"/>; a
/// tool describes a configuration file with <see cref="Of(IConfiguration)"/>. See
/// <c>docs/policy-description.md</c>.
/// </summary>
public sealed class PolicyDescription
{
    internal PolicyDescription(
        string version,
        string currency,
        IReadOnlyList<RoleDescription> roles,
        IReadOnlyList<ConditionDescription> conditions,
        IReadOnlyList<LadderLevelDescription> ladder,
        IReadOnlyList<PolicyDescriptionLine> lines)
    {
        Version = version;
        Currency = currency;
        Roles = roles;
        Conditions = conditions;
        Ladder = ladder;
        Lines = lines;
    }

    /// <summary>The policy's version as decisions record it: 16 hexadecimal digits of its content hash.</summary>
    public string Version { get; }

    /// <summary>The ISO 4217 code every money amount of the policy is in.</summary>
    public string Currency { get; }

    /// <summary>The roles, lowest rank first, each with its authority for every action.</summary>
    public IReadOnlyList<RoleDescription> Roles { get; }

    /// <summary>The conditions, ordered by name.</summary>
    public IReadOnlyList<ConditionDescription> Conditions { get; }

    /// <summary>The escalation ladder, front line first; empty when no ladder is configured.</summary>
    public IReadOnlyList<LadderLevelDescription> Ladder { get; }

    /// <summary>Every line of the description, in reading order, each with its stable key.</summary>
    public IReadOnlyList<PolicyDescriptionLine> Lines { get; }

    /// <summary>
    /// Describes the policy in a <c>CustomerCraft</c>-shaped configuration section, bound and
    /// validated exactly as <c>AddCustomerCraft</c> does. Without a service provider, a policy that names
    /// host conditions is invalid (their types are registered by the host).
    /// </summary>
    /// <param name="customerCraftSection">The <c>CustomerCraft</c> section, for example <c>configuration.GetSection("CustomerCraft")</c>.</param>
    /// <returns>The description.</returns>
    /// <exception cref="OptionsValidationException">The policy is invalid; every error names its configuration path.</exception>
    public static PolicyDescription Of(IConfiguration customerCraftSection)
    {
        ArgumentNullException.ThrowIfNull(customerCraftSection);
        PolicyCompilation compilation = PolicyProvider.Compile(customerCraftSection, PolicyParts.Create(ConditionTypeRegistry.Empty));
        return Describe(compilation);
    }

    /// <summary>Describes a policy already bound to <see cref="CustomerCraftOptions"/> (for example built in code), validated as at start-up.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The description.</returns>
    /// <exception cref="OptionsValidationException">The policy is invalid; every error names its configuration path.</exception>
    public static PolicyDescription Of(CustomerCraftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PolicyCompilation compilation = PolicyProvider.Compile(options, new CustomerCraftConfiguration(null, CustomerCraftOptions.SectionName), PolicyParts.Create(ConditionTypeRegistry.Empty));
        return Describe(compilation);
    }

    /// <summary>
    /// Compares two descriptions line by line, by key: what the new one adds, what it removes, and which
    /// lines read differently. Any change to a policy also changes the <c>policy/version</c> line.
    /// </summary>
    /// <param name="old">The description before the change.</param>
    /// <param name="new">The description after it.</param>
    /// <returns>The lines added, removed and changed.</returns>
    public static PolicyDescriptionDiff Diff(PolicyDescription old, PolicyDescription @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (PolicyDescriptionLine line in old.Lines)
        {
            before[line.Key] = line.Text;
        }

        var afterKeys = new HashSet<string>(StringComparer.Ordinal);
        var added = new List<PolicyDescriptionLine>();
        var changed = new List<PolicyDescriptionChange>();
        foreach (PolicyDescriptionLine line in @new.Lines)
        {
            afterKeys.Add(line.Key);
            if (!before.TryGetValue(line.Key, out string? text))
            {
                added.Add(line);
            }
            else if (!string.Equals(text, line.Text, StringComparison.Ordinal))
            {
                changed.Add(new PolicyDescriptionChange(line.Key, text, line.Text));
            }
        }

        var removed = old.Lines.Where(l => !afterKeys.Contains(l.Key)).ToList();
        return new PolicyDescriptionDiff(added, removed, changed);
    }

    /// <summary>The description as text: one line per <see cref="Lines"/> entry.</summary>
    /// <returns>The lines, each on its own line.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (PolicyDescriptionLine line in Lines)
        {
            text.Append(line.Text).Append('\n');
        }

        return text.ToString();
    }

    private static PolicyDescription Describe(PolicyCompilation compilation) =>
        compilation.Snapshot is { } snapshot
            ? PolicyDescriptionWriter.Describe(snapshot)
            : throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), compilation.Errors);
}
