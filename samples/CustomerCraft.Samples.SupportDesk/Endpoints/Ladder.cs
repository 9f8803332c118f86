using System.Globalization;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

/// <summary>
/// The escalation ladder and role ranks from the configured policy: which levels an approver's
/// role covers, and what each level is called. Follows policy reloads.
/// </summary>
public sealed class Ladder(IOptionsMonitor<CustomerCraftOptions> policy)
{
    /// <summary>The level's display name (its configuration key when it has none).</summary>
    public string NameOf(int level)
    {
        foreach ((string key, Escalation.EscalationLevelOptions options) in policy.CurrentValue.Escalation.Levels)
        {
            if (options.Level == level)
            {
                return options.DisplayName ?? key;
            }
        }

        return level.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The levels above the front line whose approvals <paramref name="role"/> can give.</summary>
    public IEnumerable<int> ApprovalLevelsOf(string role) =>
        policy.CurrentValue.Escalation.Levels.Values
            .Where(l => l.Level is > 0 && Covers(role, l.Level.Value))
            .Select(l => l.Level!.Value);

    /// <summary>Whether <paramref name="role"/> can approve at some level above the front line.</summary>
    public bool IsSupervisor(string role) => ApprovalLevelsOf(role).Any();

    /// <summary>Whether <paramref name="role"/> ranks at least as high as the role of <paramref name="level"/>.</summary>
    public bool Covers(string role, int level)
    {
        CustomerCraftOptions current = policy.CurrentValue;
        int? rank = current.Empowerment.Roles.TryGetValue(role, out Empowerment.RoleOptions? r) ? r.Rank : null;
        string? levelRole = current.Escalation.Levels.Values.FirstOrDefault(l => l.Level == level)?.Role;
        int? levelRank = levelRole is not null && current.Empowerment.Roles.TryGetValue(levelRole, out Empowerment.RoleOptions? lr) ? lr.Rank : null;
        return rank is not null && levelRank is not null && rank >= levelRank;
    }
}
