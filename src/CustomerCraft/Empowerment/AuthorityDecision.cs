using System.Globalization;
using System.Runtime.CompilerServices;
using CustomerCraft.Empowerment.Policy;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The answer to a resolution request: <see cref="Outcome"/>, who can approve it when it needs
/// approval, every reason behind it, and the agent's headroom for each action.
/// </summary>
/// <remarks>
/// A decision is computed once and never changes. Its <see cref="Reasons"/> and
/// <see cref="Headroom"/> lists are built on first access from what the evaluation recorded, so
/// a caller that needs only the outcome pays for nothing else.
/// </remarks>
public sealed class AuthorityDecision
{
    private readonly PolicySnapshot _snapshot;
    private readonly bool _allActionsHeadroom;
    private LimitChecks _checks;
    private HeadroomSlots _headroom;
    private HeadroomSlot[]? _headroomOverflow;
    private IReadOnlyList<DecisionReason>? _reasons;
    private IReadOnlyList<ActionHeadroom>? _headroomList;

    internal AuthorityDecision(PolicySnapshot snapshot, ResolutionRequest request, int requesterRole, int effectiveRole, int action, decimal amount, DateTimeOffset evaluatedAt, bool allActionsHeadroom = true)
    {
        _allActionsHeadroom = allActionsHeadroom;
        _snapshot = snapshot;
        Request = request;
        RequesterRoleIndex = requesterRole;
        EffectiveRoleIndex = effectiveRole;
        ActionIndex = action;
        Amount = amount;
        EvaluatedAt = evaluatedAt;
        ForcedCondition = -1;
        ApproverRoleIndex = -1;
        if (snapshot.Actions.Length > HeadroomSlots.Length)
        {
            _headroomOverflow = new HeadroomSlot[snapshot.Actions.Length];
        }
    }

    /// <summary>The outcome.</summary>
    public DecisionOutcome Outcome { get; internal set; }

    /// <summary>The request that was evaluated.</summary>
    public ResolutionRequest Request { get; }

    /// <summary>The action, as configured (canonical spelling).</summary>
    public string Action => _snapshot.Actions[ActionIndex].Name;

    /// <summary>The role whose limits were applied: the approver's when the request carries one, the agent's otherwise.</summary>
    public string Role => _snapshot.Roles[EffectiveRoleIndex].Name;

    /// <summary>The amount in the policy currency (converted when the request was in another currency).</summary>
    public decimal Amount { get; }

    /// <summary>The policy currency.</summary>
    public string Currency => _snapshot.Currency;

    /// <summary>For <see cref="DecisionOutcome.RequiresApproval"/>: the lowest role whose authority covers the request.</summary>
    public string? RequiredApproverRole => ApproverRoleIndex >= 0 ? _snapshot.Roles[ApproverRoleIndex].Name : null;

    /// <summary>When the decision was made.</summary>
    public DateTimeOffset EvaluatedAt { get; }

    /// <summary>The version of the policy snapshot that decided; it changes when configuration reloads.</summary>
    public long PolicyVersion => _snapshot.Version;

    /// <summary>
    /// Every limit that was checked and every condition that matched, with configuration paths,
    /// limits, usage and what remains. Reasons with <see cref="DecisionReason.Passed"/> false say
    /// why the request is not allowed.
    /// </summary>
    public IReadOnlyList<DecisionReason> Reasons => _reasons ??= BuildReasons();

    /// <summary>
    /// For this customer and incident, how much of each configured action the agent can still
    /// grant now without approval (before this request). Decisions returned by
    /// <see cref="IResolutionAuthority.GrantAsync"/> carry the requested action's headroom only:
    /// a grant has no use for the others, and skipping them keeps grants fast.
    /// </summary>
    public IReadOnlyList<ActionHeadroom> Headroom => _headroomList ??= BuildHeadroom();

    internal int RequesterRoleIndex { get; }

    internal int EffectiveRoleIndex { get; }

    internal int ActionIndex { get; }

    internal int ApproverRoleIndex { get; set; }

    internal int ForcedCondition { get; set; }

    internal ulong MatchedConditions { get; set; }

    internal bool NoAuthority { get; set; }

    internal bool NoApprover { get; set; }

    internal bool ForcedApprovalSatisfied { get; set; }

    internal DateTimeOffset CustomerWindowStart { get; set; }

    internal DateTimeOffset AgentWindowStart { get; set; }

    internal PolicySnapshot Snapshot => _snapshot;

    /// <summary>Returns the headroom for one action, or <see langword="null"/> when the action is not configured.</summary>
    public ActionHeadroom? GetHeadroom(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _snapshot.ActionIndex.TryGetValue(action, out int index) && (_allActionsHeadroom || index == ActionIndex) ? ToHeadroom(index) : null;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Outcome == DecisionOutcome.RequiresApproval
            ? $"{Outcome} by {RequiredApproverRole}: {Action} {Amount.ToString(CultureInfo.InvariantCulture)} {Currency}"
            : $"{Outcome}: {Action} {Amount.ToString(CultureInfo.InvariantCulture)} {Currency}";

    internal LimitCheck GetCheck(LimitKind kind) => _checks.Get(kind);

    internal void SetCheck(LimitKind kind, decimal limit, decimal used) => _checks.Set(kind, limit, used);

    internal void SetHeadroom(int action, in HeadroomSlot slot)
    {
        if (_headroomOverflow is not null)
        {
            _headroomOverflow[action] = slot;
        }
        else
        {
            _headroom[action] = slot;
        }
    }

    private HeadroomSlot GetSlot(int action) => _headroomOverflow is not null ? _headroomOverflow[action] : _headroom[action];

    private ActionHeadroom ToHeadroom(int action)
    {
        HeadroomSlot slot = GetSlot(action);
        return new ActionHeadroom(_snapshot.Actions[action].Name, slot.HasAuthority, slot.Amount, slot.HasCount ? slot.Count : null);
    }

    private ActionHeadroom[] BuildHeadroom()
    {
        if (!_allActionsHeadroom)
        {
            return [ToHeadroom(ActionIndex)];
        }

        var list = new ActionHeadroom[_snapshot.Actions.Length];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = ToHeadroom(i);
        }

        return list;
    }

    private List<DecisionReason> BuildReasons()
    {
        var reasons = new List<DecisionReason>();
        PolicySnapshot snapshot = _snapshot;
        RoleEntry role = snapshot.Roles[EffectiveRoleIndex];
        string action = Action;
        CultureInfo inv = CultureInfo.InvariantCulture;

        for (int i = 0; i < snapshot.Conditions.Length; i++)
        {
            if ((MatchedConditions & (1UL << i)) == 0 || !snapshot.Conditions[i].Effect.AppliesTo(ActionIndex))
            {
                continue;
            }

            CompiledCondition condition = snapshot.Conditions[i];
            ConditionEffect effect = condition.Effect;
            string what = effect.Outcome switch
            {
                ConditionOutcome.Deny => "denies the request",
                ConditionOutcome.RequireApproval when ForcedApprovalSatisfied && i == ForcedCondition => $"requires approval, given by the approver ({role.Name})",
                ConditionOutcome.RequireApproval => effect.ApproverRole is null ? "requires approval" : $"requires approval by {effect.ApproverRole} or higher",
                _ => $"multiplies limits by {effect.Multiplier?.ToString(inv)}",
            };
            reasons.Add(new DecisionReason
            {
                Kind = DecisionReasonKind.Condition,
                ConfigurationPath = effect.Path,
                Passed = effect.Outcome is null || (ForcedApprovalSatisfied && effect.Outcome == ConditionOutcome.RequireApproval),
                ConditionName = effect.Name,
                Message = $"Condition '{effect.Name}' ({condition.Describe()}) {what}.",
            });
        }

        if (NoAuthority)
        {
            reasons.Add(new DecisionReason
            {
                Kind = DecisionReasonKind.NoAuthority,
                ConfigurationPath = $"{snapshot.Path}:Roles:{role.Name}:Limits",
                Passed = false,
                Message = $"{role.DisplayName} has no authority for {action}.",
            });
        }

        for (int kind = 0; kind < LimitChecks.Length; kind++)
        {
            LimitCheck check = _checks.Get((LimitKind)kind);
            if (!check.Applies)
            {
                continue;
            }

            var limitKind = (LimitKind)kind;
            bool isCount = limitKind is LimitKind.IncidentCount or LimitKind.CustomerCount or LimitKind.AgentCount;
            decimal remaining = Math.Max(0, check.Limit - check.Used);
            decimal requested = isCount ? 1 : Amount;
            bool passed = check.Used + requested <= check.Limit;
            string unit = isCount ? (check.Limit == 1 ? " grant" : " grants") : $" {snapshot.Currency}";
            reasons.Add(new DecisionReason
            {
                Kind = DecisionReasonKind.Limit,
                ConfigurationPath = PathOf(limitKind),
                Passed = passed,
                Limit = limitKind,
                LimitValue = check.Limit,
                Used = check.Used,
                Remaining = remaining,
                Message = $"{Describe(limitKind)} limit for {role.DisplayName}: {Format(check.Limit)}{unit}, used {Format(check.Used)}, remaining {Format(remaining)}{(passed ? string.Empty : $"; this request needs {Format(requested)}")}.",
            });
        }

        if (ApproverRoleIndex >= 0)
        {
            RoleEntry approver = snapshot.Roles[ApproverRoleIndex];
            reasons.Add(new DecisionReason
            {
                Kind = DecisionReasonKind.Limit,
                ConfigurationPath = $"{snapshot.Path}:Roles:{approver.Name}:Limits:{action}",
                Passed = true,
                Message = $"{approver.DisplayName} is the lowest role whose authority covers this request.",
            });
        }
        else if (NoApprover)
        {
            reasons.Add(new DecisionReason
            {
                Kind = DecisionReasonKind.NoApprover,
                ConfigurationPath = $"{snapshot.Path}:Roles",
                Passed = false,
                Message = $"No role above {snapshot.Roles[Math.Max(RequesterRoleIndex, EffectiveRoleIndex)].DisplayName} has authority that covers {action} {Format(Amount)} {snapshot.Currency} here.",
            });
        }

        return reasons;
    }

    /// <summary>The configuration path of one of the effective role's limits for the action (kept in the snapshot, not per decision).</summary>
    private string PathOf(LimitKind kind)
    {
        CompiledLimit limit = _snapshot.LimitFor(EffectiveRoleIndex, ActionIndex)!;
        return kind switch
        {
            LimitKind.IncidentAmount => limit.IncidentAmountPath,
            LimitKind.IncidentCount => limit.IncidentCountPath,
            LimitKind.CustomerAmount => limit.Customer!.AmountPath,
            LimitKind.CustomerCount => limit.Customer!.CountPath,
            LimitKind.AgentAmount => limit.Agent!.AmountPath,
            _ => limit.Agent!.CountPath,
        };
    }

    /// <summary>Formats an amount without trailing zeros (150.0 from a multiplier reads as 150).</summary>
    private static string Format(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    private static string Describe(LimitKind kind) => kind switch
    {
        LimitKind.IncidentAmount => "Per-incident amount",
        LimitKind.IncidentCount => "Per-incident count",
        LimitKind.CustomerAmount => "Per-customer amount",
        LimitKind.CustomerCount => "Per-customer count",
        LimitKind.AgentAmount => "Per-agent amount",
        _ => "Per-agent count",
    };
}

/// <summary>How one limit stood when it was checked.</summary>
internal readonly record struct LimitCheck(bool Applies, decimal Limit, decimal Used);

/// <summary>
/// The six limit checks of a decision, stored compactly inline (amounts as decimals, counts as
/// integers): the decision is the one allocation of an evaluation, so its size is worth keeping
/// down.
/// </summary>
internal struct LimitChecks
{
    public const int Length = 6;

    private AmountPairs _amounts;   // limit, used for Incident, Customer, Agent
    private CountPairs _counts;     // limit, used for Incident, Customer, Agent
    private byte _applies;          // bit per LimitKind

    public readonly LimitCheck Get(LimitKind kind)
    {
        int scope = (int)kind >> 1;
        if ((_applies & (1 << (int)kind)) == 0)
        {
            return default;
        }

        return ((int)kind & 1) == 0
            ? new LimitCheck(true, _amounts[scope * 2], _amounts[(scope * 2) + 1])
            : new LimitCheck(true, _counts[scope * 2], _counts[(scope * 2) + 1]);
    }

    public void Set(LimitKind kind, decimal limit, decimal used)
    {
        int scope = (int)kind >> 1;
        if (((int)kind & 1) == 0)
        {
            _amounts[scope * 2] = limit;
            _amounts[(scope * 2) + 1] = used;
        }
        else
        {
            _counts[scope * 2] = (int)limit;
            _counts[(scope * 2) + 1] = (int)used;
        }

        _applies |= (byte)(1 << (int)kind);
    }

    [InlineArray(6)]
    private struct AmountPairs
    {
        private decimal _element;
    }

    [InlineArray(6)]
    private struct CountPairs
    {
        private int _element;
    }
}

/// <summary>Raw headroom for one action, kept inline in the decision.</summary>
internal struct HeadroomSlot
{
    public bool HasAuthority;
    public bool HasCount;
    public int Count;
    public decimal Amount;
}

/// <summary>
/// Up to 8 actions' headroom is stored inline so a decision is a single allocation; larger
/// policies fall back to an array.
/// </summary>
[InlineArray(Length)]
internal struct HeadroomSlots
{
    public const int Length = 8;
    private HeadroomSlot _element;
}
