using System.Text;
using CustomerCraft.Empowerment;
using CustomerCraft.Retention;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Tests.Retention;

/// <summary>
/// A month of grants (and some voids) over windows of every shape, then a set of requests asked
/// before and after a prune: the store-independent half of the retention tests, run on the
/// in-memory ledger and on both database engines.
/// </summary>
internal static class RetentionScenario
{
    /// <summary>How long the history runs before "now".</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays(30);

    /// <summary>
    /// Agent refunds limited per incident (all time), per customer over a rolling 10 days and per
    /// agent per calendar day; credits per customer per calendar week (counted as 8 days). The
    /// longest window is the rolling one, so with a day's margin charges older than 11 days go.
    /// </summary>
    public static Dictionary<string, string?> Settings(TimeSpan? incidentBudgets = null)
    {
        Dictionary<string, string?> settings = PolicyFixtures.Basic();
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "100";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Count"] = "4";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = "300";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Length"] = "10.00:00:00";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerAgent:Amount"] = "200";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerAgent:Window"] = "Day";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Credit:PerCustomer:Amount"] = "120";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Credit:PerCustomer:Window"] = "Week";
        settings["CustomerCraft:Empowerment:Roles:Bot:Limits:Credit:PerCustomer:Amount"] = "10"; // no lower role may allow more
        settings["CustomerCraft:Empowerment:Roles:Bot:Limits:Credit:PerCustomer:Window"] = "Week";
        settings["CustomerCraft:Retention:KeepPastLongestWindow"] = "1.00:00:00";
        settings["CustomerCraft:Retention:BatchSize"] = "7"; // small, so that every store works through several batches
        if (incidentBudgets is { } incident)
        {
            settings["CustomerCraft:Retention:IncidentBudgets"] = incident.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>
    /// Grants every 5 hours for <see cref="History"/>, moving the host's clock: four customers,
    /// three agents, an incident per customer per week (so incidents older than three weeks are
    /// never asked about again), refunds and credits, and every seventh grant voided. Returns the
    /// grants made, as they stand at the end.
    /// </summary>
    public static async Task<List<GrantRecord>> GrantHistoryAsync(TestHost host)
    {
        IResolutionAuthority authority = host.Authority;
        var granted = new List<GrantRecord>();
        int step = 0;
        for (TimeSpan at = TimeSpan.Zero; at < History; at += TimeSpan.FromHours(5), step++)
        {
            int week = (int)(at.TotalDays / 7);
            ResolutionRequest request = Request(
                action: step % 3 == 2 ? "Credit" : "Refund",
                amount: 5 + (step * 7 % 40),
                agent: $"agent-{step % 3}",
                customer: $"C-{step % 4}",
                incident: $"T-{step % 4}-w{week}",
                key: $"history-{step}");
            GrantResult result = await authority.GrantAsync(request);
            if (result.IsGranted)
            {
                granted.Add(step % 7 == 0 ? await authority.VoidAsync(result.Grant!.GrantId, "customer changed their mind") : result.Grant!);
            }

            host.Time.Advance(TimeSpan.FromHours(5));
        }

        return granted;
    }

    /// <summary>
    /// Every decision an agent could ask for now, on the current and the previous week's incidents
    /// (which every retention setting of these tests keeps), as text: outcome, approver, every
    /// reason with its limit, usage and remainder, and every action's headroom.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DecideAsync(TestHost host)
    {
        IResolutionAuthority authority = host.Authority;
        int week = (int)(History.TotalDays / 7);
        var decisions = new List<string>();
        foreach (string action in new[] { "Refund", "Credit" })
        {
            foreach (decimal amount in new[] { 1m, 20m, 60m, 150m })
            {
                for (int customer = 0; customer < 4; customer++)
                {
                    for (int agent = 0; agent < 3; agent++)
                    {
                        foreach (int incidentWeek in new[] { week, week - 1 })
                        {
                            AuthorityDecision decision = await authority.EvaluateAsync(Request(action, amount, $"agent-{agent}", $"C-{customer}", $"T-{customer}-w{incidentWeek}", key: null));
                            decisions.Add(Describe(decision));
                        }
                    }
                }
            }
        }

        return decisions;
    }

    public static Task<RetentionResult> PruneAsync(TestHost host) =>
        host.Services.GetRequiredService<IDataRetention>().PruneAsync().AsTask();

    /// <summary>What a prune with <paramref name="cutoffs"/> must remove of <paramref name="grants"/>: charges and grants.</summary>
    public static (long Charges, long Grants) Expected(IEnumerable<GrantRecord> grants, RetentionCutoffs cutoffs)
    {
        long charges = 0, removed = 0;
        foreach (GrantRecord grant in grants)
        {
            bool incidentGone = cutoffs.IncidentChargesBefore is { } incident && grant.GrantedAt < incident;
            bool windowsGone = grant.GrantedAt < cutoffs.ChargesBefore;
            charges += grant.IsVoided ? 3 : (windowsGone ? 2 : 0) + (incidentGone ? 1 : 0);
            removed += windowsGone && (grant.IsVoided || incidentGone) ? 1 : 0;
        }

        return (charges, removed);
    }

    private static ResolutionRequest Request(string action, decimal amount, string agent, string customer, string incident, string? key) => new()
    {
        AgentId = agent,
        Role = "Agent",
        CustomerId = customer,
        IncidentId = incident,
        Action = action,
        Amount = amount,
        IdempotencyKey = key,
    };

    private static string Describe(AuthorityDecision decision)
    {
        var text = new StringBuilder();
        text.Append(decision.Request.CustomerId).Append('/').Append(decision.Request.AgentId).Append('/').Append(decision.Request.IncidentId)
            .Append(' ').Append(decision.Action).Append(' ').Append(decision.Amount).Append(": ")
            .Append(decision.Outcome).Append(" approver=").Append(decision.RequiredApproverRole);
        foreach (DecisionReason reason in decision.Reasons)
        {
            text.Append(" | ").Append(reason.Kind).Append(' ').Append(reason.ConfigurationPath).Append(' ').Append(reason.Passed)
                .Append(" used=").Append(reason.Used).Append(" limit=").Append(reason.LimitValue).Append(' ').Append(reason.Message);
        }

        foreach (ActionHeadroom headroom in decision.Headroom)
        {
            text.Append(" | headroom ").Append(headroom.Action).Append(' ').Append(headroom.HasAuthority).Append(' ').Append(headroom.Amount).Append(' ').Append(headroom.Count);
        }

        return text.ToString();
    }
}
