using System.Globalization;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Escalation;
using CustomerCraft.Policy;

namespace CustomerCraft.Coaching;

/// <summary>What to analyse for empowerment coaching.</summary>
public sealed record EmpowermentCoachingQuery
{
    /// <summary>Only decisions and case events at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only decisions and case events before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The team of an agent, for the team rows; agents without a team are left out of them.</summary>
    public Func<string, string?>? TeamOf { get; init; }
}

/// <summary>How agents use their authority, per agent and per team.</summary>
public sealed class EmpowermentCoachingReport
{
    internal EmpowermentCoachingReport(IReadOnlyList<AgentEmpowerment> agents, IReadOnlyList<AgentEmpowerment> teams)
    {
        Agents = agents;
        Teams = teams;
    }

    /// <summary>One row per agent, most avoidable escalations first.</summary>
    public IReadOnlyList<AgentEmpowerment> Agents { get; }

    /// <summary>One row per team.</summary>
    public IReadOnlyList<AgentEmpowerment> Teams { get; }
}

/// <summary>How one agent (or a team, summed over its agents) uses their authority.</summary>
public sealed class AgentEmpowerment
{
    internal AgentEmpowerment(string id, string? role, int ownGrants, decimal ownGrantedAmount, double? authorityUsed, int refusedAttempts, int escalations, int avoidableEscalations, int approvalRequests, int approvalsRejected, IReadOnlyList<string> tips)
    {
        Id = id;
        Role = role;
        OwnGrants = ownGrants;
        OwnGrantedAmount = ownGrantedAmount;
        AuthorityUsed = authorityUsed;
        RefusedAttempts = refusedAttempts;
        Escalations = escalations;
        AvoidableEscalations = avoidableEscalations;
        ApprovalRequests = approvalRequests;
        ApprovalsRejected = approvalsRejected;
        Tips = tips;
    }

    /// <summary>The agent id, or the team id on a team row.</summary>
    public string Id { get; }

    /// <summary>The agent's role as last seen (null on team rows).</summary>
    public string? Role { get; }

    /// <summary>Grants the agent made under their own authority.</summary>
    public int OwnGrants { get; }

    /// <summary>What those grants came to, in the policy currency.</summary>
    public decimal OwnGrantedAmount { get; }

    /// <summary>The mean share of the per-incident limit those grants used (0 to 1); null without grants.</summary>
    public double? AuthorityUsed { get; }

    /// <summary>Grant attempts of their own that needed approval or were denied.</summary>
    public int RefusedAttempts { get; }

    /// <summary>Cases they escalated up the ladder.</summary>
    public int Escalations { get; }

    /// <summary>Of those, escalations whose granted resolution was within their own authority.</summary>
    public int AvoidableEscalations { get; }

    /// <summary>Approvals they asked for.</summary>
    public int ApprovalRequests { get; }

    /// <summary>Of those, the ones an approver rejected.</summary>
    public int ApprovalsRejected { get; }

    /// <summary>What to coach, in plain words.</summary>
    public IReadOnlyList<string> Tips { get; }
    /// <summary>The share of approval requests rejected (0 to 1); null without requests.</summary>
    public double? RejectionRate => ApprovalRequests == 0 ? null : (double)ApprovalsRejected / ApprovalRequests;
}

/// <summary>
/// Empowerment coaching from the decision log and cases: agents who escalate what they could have
/// resolved, how much of their authority they use, how often their approval requests are rejected.
/// </summary>
public interface IEmpowermentCoach
{
    /// <summary>Analyses the decision log together with <paramref name="cases"/> (the host's cases for the period).</summary>
    ValueTask<EmpowermentCoachingReport> AnalyzeAsync(IEnumerable<SupportCase> cases, EmpowermentCoachingQuery? query = null, CancellationToken cancellationToken = default);
}

/// <summary>The default <see cref="IEmpowermentCoach"/>.</summary>
internal sealed class EmpowermentCoach(IDecisionLog log, IResolutionAuthority authority, PolicyProvider policy) : IEmpowermentCoach
{
    /// <summary>Below this mean share of the per-incident limit, an agent who also escalates is told they use little of their authority.</summary>
    internal const double LowUse = 0.25;

    /// <summary>From this rejection rate (with at least three requests) an agent is told to check the policy before asking.</summary>
    internal const double HighRejection = 0.3;

    public async ValueTask<EmpowermentCoachingReport> AnalyzeAsync(IEnumerable<SupportCase> cases, EmpowermentCoachingQuery? query = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cases);
        query ??= new EmpowermentCoachingQuery();
        PolicySnapshot snapshot = policy.Current;
        var agents = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var grantsByIncident = new Dictionary<string, List<DecisionRecord>>(StringComparer.Ordinal);
        var ownGrants = new Dictionary<string, (Tally Tally, decimal Amount, double? Use)>(StringComparer.Ordinal);

        await foreach (DecisionRecord record in log.ReadAsync(new DecisionLogQuery { From = query.From, To = query.To }, cancellationToken).ConfigureAwait(false))
        {
            if (record.Kind == DecisionRecordKind.Granted)
            {
                if (!grantsByIncident.TryGetValue(record.Request.IncidentId, out List<DecisionRecord>? list))
                {
                    grantsByIncident[record.Request.IncidentId] = list = [];
                }

                list.Add(record);
            }

            if (record.Kind == DecisionRecordKind.Voided)
            {
                // A voided grant was never really given: take it back out of what is counted.
                if (record.GrantId is { } voided)
                {
                    grantsByIncident.GetValueOrDefault(record.Request.IncidentId)?.RemoveAll(g => g.GrantId == voided);
                    if (ownGrants.Remove(voided, out var own))
                    {
                        own.Tally.OwnGrants--;
                        own.Tally.OwnAmount -= own.Amount;
                        if (own.Use is { } use)
                        {
                            own.Tally.UseSum -= use;
                            own.Tally.UseCount--;
                        }
                    }
                }

                continue;
            }

            if (record.Request.Approver is not null)
            {
                continue;
            }

            Tally tally = TallyOf(agents, record.Request.AgentId);
            tally.Role = record.Request.Role;
            if (record.Kind == DecisionRecordKind.Granted)
            {
                tally.OwnGrants++;
                tally.OwnAmount += record.Amount;
                double? use = null;
                if (snapshot.RoleIndex.TryGetValue(record.Request.Role, out int role) && snapshot.ActionIndex.TryGetValue(record.Request.Action, out int action)
                    && snapshot.LimitFor(role, action) is { IncidentAmount: > 0 and decimal incidentAmount })
                {
                    use = (double)Math.Min(1m, record.Amount / incidentAmount);
                    tally.UseSum += use.Value;
                    tally.UseCount++;
                }

                if (record.GrantId is { } grantId)
                {
                    ownGrants[grantId] = (tally, record.Amount, use);
                }
            }
            else
            {
                tally.Refused++;
            }
        }

        foreach (SupportCase supportCase in cases)
        {
            var requesters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (CaseEvent entry in supportCase.History)
            {
                if (entry.At < query.From || entry.At >= query.To || entry.Trigger is not { } trigger)
                {
                    continue;
                }

                if (trigger == CaseTrigger.RequestApproval && entry.Actor is { } requester)
                {
                    TallyOf(agents, requester.Id).ApprovalRequests++;
                    if (entry.ApprovalId is { } approvalId)
                    {
                        requesters[approvalId] = requester.Id;
                    }
                }
                else if (trigger == CaseTrigger.Reject && entry.Actor is not null && entry.ApprovalId is { } rejected && requesters.TryGetValue(rejected, out string? who))
                {
                    TallyOf(agents, who).Rejected++;
                }
                else if (trigger == CaseTrigger.Escalate && entry.Actor is { } escalator && entry.From != CaseState.Escalated)
                {
                    Tally tally = TallyOf(agents, escalator.Id);
                    tally.Role ??= escalator.Role;
                    tally.Escalations++;
                    if (await WasWithinAuthorityAsync(escalator, entry.At, supportCase, grantsByIncident, cancellationToken).ConfigureAwait(false))
                    {
                        tally.Avoidable++;
                    }
                }
            }
        }

        var agentRows = agents.Select(pair => Row(pair.Key, pair.Value.Role, pair.Value, snapshot.Currency)).OrderByDescending(r => r.AvoidableEscalations).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var teamRows = new List<AgentEmpowerment>();
        if (query.TeamOf is { } teamOf)
        {
            foreach (IGrouping<string, KeyValuePair<string, Tally>> team in agents.Where(a => teamOf(a.Key) is not null).GroupBy(a => teamOf(a.Key)!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var sum = new Tally();
                foreach ((_, Tally tally) in team)
                {
                    sum.Add(tally);
                }

                teamRows.Add(Row(team.Key, role: null, sum, snapshot.Currency));
            }
        }

        return new EmpowermentCoachingReport(agentRows, teamRows);
    }

    /// <summary>
    /// Whether a resolution granted on the case after the escalation, by someone else (usually the
    /// approver), is one the escalating agent could have granted alone. Grants are matched to the
    /// case by incident id (<c>ResolutionRequest.IncidentId</c> equal to the case id). Judged under
    /// the current policy, which is the question a coach asks today.
    /// </summary>
    private async ValueTask<bool> WasWithinAuthorityAsync(CaseActor agent, DateTimeOffset escalatedAt, SupportCase supportCase, Dictionary<string, List<DecisionRecord>> grantsByIncident, CancellationToken cancellationToken)
    {
        if (!grantsByIncident.TryGetValue(supportCase.Id, out List<DecisionRecord>? grants) || !policy.Current.RoleIndex.ContainsKey(agent.Role))
        {
            return false;
        }

        foreach (DecisionRecord grant in grants)
        {
            if (grant.Timestamp < escalatedAt || string.Equals(grant.Request.AgentId, agent.Id, StringComparison.Ordinal)
                || string.Equals(grant.Request.Approver?.ApproverId, agent.Id, StringComparison.Ordinal))
            {
                continue;
            }

            // Asked on a fresh incident: the incident's own budget already holds this very grant.
            // The customer's and the agent's period budgets do too, which makes the check
            // conservative (a borderline escalation is not called avoidable).
            AuthorityDecision decision = await authority.EvaluateAsync(
                grant.Request with { AgentId = agent.Id, Role = agent.Role, Approver = null, IdempotencyKey = null, IncidentId = $"coaching:{grant.GrantId}" },
                cancellationToken).ConfigureAwait(false);
            if (decision.Outcome == DecisionOutcome.Allowed)
            {
                return true;
            }
        }

        return false;
    }

    private static AgentEmpowerment Row(string id, string? role, Tally tally, string currency)
    {
        double? used = tally.UseCount == 0 ? null : tally.UseSum / tally.UseCount;
        var tips = new List<string>();
        if (tally.Avoidable > 0)
        {
            tips.Add($"{tally.Avoidable} of {tally.Escalations} escalations were within their own authority: check the headroom before escalating and resolve it on the spot.");
        }

        if (tally.Escalations + tally.ApprovalRequests > 0 && (used is null || used < LowUse))
        {
            tips.Add(used is null
                ? $"Escalates or asks for approval ({tally.Escalations + tally.ApprovalRequests} times) but never grants anything alone: walk through what their role may offer without asking."
                : $"Uses {(used.Value * 100).ToString("0", CultureInfo.InvariantCulture)}% of the per-incident limit on average while escalating {tally.Escalations + tally.ApprovalRequests} times: they have more authority than they use.");
        }

        if (tally.ApprovalRequests >= 3 && (double)tally.Rejected / tally.ApprovalRequests >= HighRejection)
        {
            tips.Add($"{tally.Rejected} of {tally.ApprovalRequests} approval requests were rejected: review the policy together so requests come with what approvers need.");
        }

        return new AgentEmpowerment(id, role, tally.OwnGrants, tally.OwnAmount, used, tally.Refused, tally.Escalations, tally.Avoidable, tally.ApprovalRequests, tally.Rejected, tips);
    }

    private static Tally TallyOf(Dictionary<string, Tally> agents, string id)
    {
        if (!agents.TryGetValue(id, out Tally? tally))
        {
            agents[id] = tally = new Tally();
        }

        return tally;
    }

    private sealed class Tally
    {
        public string? Role;
        public int OwnGrants;
        public decimal OwnAmount;
        public double UseSum;
        public int UseCount;
        public int Refused;
        public int Escalations;
        public int Avoidable;
        public int ApprovalRequests;
        public int Rejected;

        public void Add(Tally other)
        {
            OwnGrants += other.OwnGrants;
            OwnAmount += other.OwnAmount;
            UseSum += other.UseSum;
            UseCount += other.UseCount;
            Refused += other.Refused;
            Escalations += other.Escalations;
            Avoidable += other.Avoidable;
            ApprovalRequests += other.ApprovalRequests;
            Rejected += other.Rejected;
        }
    }
}
