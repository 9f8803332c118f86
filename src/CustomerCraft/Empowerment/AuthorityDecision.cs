using System.Globalization;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Policy;

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
    // Filled in place by the in-memory evaluation (through Facts) before the decision is handed out; never changed after.
    private DecisionFacts _facts;
    private readonly long _amount;

    // UTC ticks: TimeProvider.GetUtcNow has offset zero, and a long is half a DateTimeOffset.
    private readonly long _evaluatedAt;

    // The lists built on first access, both in one object: one field in every decision, not two.
    private Views? _views;

    internal AuthorityDecision(PolicySnapshot snapshot, ResolutionRequest request, int requesterRole, int effectiveRole, int action, long amount, DateTimeOffset evaluatedAt, in DecisionFacts facts)
        : this(snapshot, request, requesterRole, effectiveRole, action, amount, evaluatedAt)
    {
        _facts = facts;
    }

    /// <summary>A decision whose facts the engine fills in place (<see cref="Facts"/>) before anyone else sees it.</summary>
    internal AuthorityDecision(PolicySnapshot snapshot, ResolutionRequest request, int requesterRole, int effectiveRole, int action, long amount, DateTimeOffset evaluatedAt)
    {
        _snapshot = snapshot;
        _amount = amount;
        Request = request;
        RequesterRoleIndex = requesterRole;
        EffectiveRoleIndex = effectiveRole;
        ActionIndex = action;
        _evaluatedAt = evaluatedAt.UtcTicks;
    }

    /// <summary>The outcome.</summary>
    public DecisionOutcome Outcome => _facts.Outcome;

    /// <summary>The request that was evaluated.</summary>
    public ResolutionRequest Request { get; }

    /// <summary>The action, as configured (canonical spelling).</summary>
    public string Action => _snapshot.Actions[ActionIndex].Name;

    /// <summary>The role whose limits were applied: the approver's when the request carries one, the agent's otherwise.</summary>
    public string Role => _snapshot.Roles[EffectiveRoleIndex].Name;

    /// <summary>The amount in the policy currency (converted when the request was in another currency).</summary>
    public decimal Amount => MinorUnits.ToDecimal(_amount, _snapshot.Actions[ActionIndex].Decimals);

    /// <summary>The policy currency.</summary>
    public string Currency => _snapshot.Currency;

    /// <summary>What <see cref="Amount"/> counts: the policy currency's code for money, <c>grants</c> for a counted action, or a quantity's name such as <c>Days</c>.</summary>
    public string Unit => _snapshot.Actions[ActionIndex].UnitName;

    /// <summary>For <see cref="DecisionOutcome.RequiresApproval"/>: the lowest role whose authority covers the request.</summary>
    public string? RequiredApproverRole => ApproverRoleIndex >= 0 ? _snapshot.Roles[ApproverRoleIndex].Name : null;

    /// <summary>When the decision was made.</summary>
    public DateTimeOffset EvaluatedAt => new(_evaluatedAt, TimeSpan.Zero);

    /// <summary>
    /// The version of the policy that decided: a hash of its content (the first 64 bits of SHA-256),
    /// so a past decision traces to the exact policy, and the same policy always has the same version.
    /// </summary>
    public long PolicyVersion => _snapshot.Version;

    /// <summary>
    /// Every limit that was checked and every condition that matched, with configuration paths,
    /// limits, usage and what remains. Reasons with <see cref="DecisionReason.Passed"/> false say
    /// why the request is not allowed.
    /// </summary>
    public IReadOnlyList<DecisionReason> Reasons => GetViews().Reasons ??= BuildReasons();

    /// <summary>
    /// For this customer and incident, how much of each configured action the agent can still
    /// grant now without approval (before this request). Decisions returned by
    /// <see cref="IResolutionAuthority.GrantAsync"/> carry the requested action's headroom only:
    /// skipping the others keeps them fast.
    /// </summary>
    public IReadOnlyList<ActionHeadroom> Headroom => GetViews().Headroom ??= BuildHeadroom();

    private Views GetViews() => _views ?? Interlocked.CompareExchange(ref _views, new Views(), null) ?? _views;

    internal int RequesterRoleIndex { get; }

    internal int EffectiveRoleIndex { get; }

    internal int ActionIndex { get; }

    /// <summary>The facts, for the engine to fill while it decides; only before the decision is returned.</summary>
    internal ref DecisionFacts Facts => ref _facts;

    internal int ApproverRoleIndex => _facts.ApproverRoleIndex;

    internal int ForcedCondition => _facts.ForcedCondition;

    internal ConditionSet MatchedConditions => _facts.Matched;

    internal bool NoAuthority => _facts.Has(DecisionFlags.NoAuthority);

    internal bool NoApprover => _facts.Has(DecisionFlags.NoApprover);

    internal bool ForcedApprovalSatisfied => _facts.Has(DecisionFlags.ForcedApprovalSatisfied);

    internal bool[]? HostResults => _facts.HostResults;

    internal PolicySnapshot Snapshot => _snapshot;

    /// <summary>Returns the headroom for one action, or <see langword="null"/> when the action is not configured.</summary>
    public ActionHeadroom? GetHeadroom(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _snapshot.ActionIndex.TryGetValue(action, out int index) && (_facts.Usage.IsKept || index == ActionIndex) ? ToHeadroom(index) : null;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Outcome == DecisionOutcome.RequiresApproval
            ? $"{Outcome} by {RequiredApproverRole}: {Action} {Quantity()}"
            : $"{Outcome}: {Action} {Quantity()}";

    /// <summary>The amount with its unit ("60 USD", "7 Days"), or "1 grant" for a counted action.</summary>
    private string Quantity() => _snapshot.Actions[ActionIndex].IsCount ? "1 grant" : $"{Format(Amount)} {Unit}";

    internal LimitCheck GetCheck(LimitKind kind) => _facts.GetCheck(kind);

    /// <summary>An action's headroom: worked out from the usage the evaluation read (every action's), or from the requested action's checks.</summary>
    private HeadroomSlot GetSlot(int action) => _facts.Usage.IsKept
        ? ResolutionAuthority.HeadroomOf(
            _snapshot,
            _facts.Matched,
            RequesterRoleIndex,
            EffectiveRoleIndex,
            _facts.Has(DecisionFlags.HasApprover) ? EffectiveRoleIndex : -1,
            action,
            _facts.Usage)
        : _facts.RequestedSlot();

    private ActionHeadroom ToHeadroom(int action) => ToHeadroom(action, GetSlot(action));

    private ActionHeadroom ToHeadroom(int action, HeadroomSlot slot)
    {
        ActionEntry entry = _snapshot.Actions[action];
        decimal? amount = entry.IsCount || (slot.Amount == long.MaxValue && slot.HasAuthority) ? null : slot.Amount == long.MaxValue ? 0 : MinorUnits.ToDecimal(slot.Amount, entry.Decimals);
        return new ActionHeadroom(entry.Name, slot.HasAuthority, amount, slot.HasCount ? slot.Count : null, entry.UnitName);
    }

    private ActionHeadroom[] BuildHeadroom()
    {
        if (!_facts.Usage.IsKept)
        {
            return [ToHeadroom(ActionIndex)];
        }

        // Every action's in turn, the conditions' effects worked out once when they are the same for all.
        var reader = new ResolutionAuthority.HeadroomReader(
            _snapshot,
            _facts.Matched,
            RequesterRoleIndex,
            EffectiveRoleIndex,
            _facts.Has(DecisionFlags.HasApprover) ? EffectiveRoleIndex : -1,
            _facts.Usage);
        var list = new ActionHeadroom[_snapshot.Actions.Length];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = ToHeadroom(i, reader.Of(i));
        }

        return list;
    }

    private DecisionReason[] BuildReasons()
    {
        // Exactly as many as there are (the conditions explained, a missing authority, the checks
        // that applied, the approver or its absence): one array, no list around it (issue 17).
        int conditions = 0;
        for (int i = 0; i < _snapshot.Conditions.Length; i++)
        {
            conditions += Explains(i) ? 1 : 0;
        }

        var reasons = new DecisionReason[conditions + (NoAuthority ? 1 : 0) + _facts.CheckCount + (ApproverRoleIndex >= 0 || NoApprover ? 1 : 0)];
        int next = 0;
        PolicySnapshot snapshot = _snapshot;
        RoleEntry role = snapshot.Roles[EffectiveRoleIndex];
        string action = Action;
        CultureInfo inv = CultureInfo.InvariantCulture;

        AppendConditionReasons(reasons, ref next);

        if (NoAuthority)
        {
            reasons[next++] = new DecisionReason
            {
                Kind = DecisionReasonKind.NoAuthority,
                ConfigurationPath = $"{snapshot.Path}:Roles:{role.Name}:Limits",
                Passed = false,
                Message = $"{role.DisplayName} has no authority for {action}.",
            };
        }

        int decimals = snapshot.Actions[ActionIndex].Decimals;
        for (int kind = 0; kind < LimitChecks.Length; kind++)
        {
            LimitCheck check = _facts.GetCheck((LimitKind)kind);
            if (!check.Applies)
            {
                continue;
            }

            var limitKind = (LimitKind)kind;
            bool isCount = limitKind is LimitKind.IncidentCount or LimitKind.CustomerCount or LimitKind.AgentCount;
            long requestedMinor = isCount ? 1 : _amount;
            bool passed = check.Used <= check.Limit - requestedMinor;
            decimal limit = isCount ? check.Limit : MinorUnits.ToDecimal(check.Limit, decimals);
            decimal used = isCount ? check.Used : MinorUnits.ToDecimal(check.Used, decimals);
            decimal remaining = isCount ? Math.Max(0, check.Limit - check.Used) : MinorUnits.ToDecimal(Math.Max(0, check.Limit - check.Used), decimals);
            decimal requested = isCount ? 1 : Amount;
            string unit = isCount ? (check.Limit == 1 ? "grant" : "grants") : Unit;

            // One interpolation, the numbers formatted straight into it: no string per number (issue 17).
            string message = passed
                ? string.Create(inv, $"{Describe(limitKind)} limit for {role.DisplayName}: {limit:0.############} {unit}, used {used:0.############}, remaining {remaining:0.############}.")
                : string.Create(inv, $"{Describe(limitKind)} limit for {role.DisplayName}: {limit:0.############} {unit}, used {used:0.############}, remaining {remaining:0.############}; this request needs {requested:0.############}.");
            reasons[next++] = new DecisionReason
            {
                Kind = DecisionReasonKind.Limit,
                ConfigurationPath = PathOf(limitKind),
                Passed = passed,
                Limit = limitKind,
                LimitValue = limit,
                Used = used,
                Remaining = remaining,
                Message = message,
            };
        }

        if (ApproverRoleIndex >= 0)
        {
            RoleEntry approver = snapshot.Roles[ApproverRoleIndex];
            reasons[next++] = new DecisionReason
            {
                Kind = DecisionReasonKind.Limit,
                ConfigurationPath = snapshot.Empowerment.ApproverPath(snapshot, ApproverRoleIndex, ActionIndex),
                Passed = true,
                Message = $"{approver.DisplayName} is the lowest role whose authority covers this request.",
            };
        }
        else if (NoApprover)
        {
            reasons[next++] = new DecisionReason
            {
                Kind = DecisionReasonKind.NoApprover,
                ConfigurationPath = $"{snapshot.Path}:Roles",
                Passed = false,
                Message = $"No role above {snapshot.Roles[Math.Max(RequesterRoleIndex, EffectiveRoleIndex)].DisplayName} has authority that covers {action} {Quantity()} here.",
            };
        }

        System.Diagnostics.Debug.Assert(next == reasons.Length, "Every reason counted is built.");
        return reasons;
    }

    /// <summary>
    /// One reason per matched condition that shaped this decision: its test as evaluated with the
    /// request's values, then what it did, for example
    /// <c>SilverReturnWindow: CustomerSegment Silver AND DaysSincePurchase 200 &gt; 180 -> Deny</c>.
    /// </summary>
    /// <summary>Whether the reasons explain condition <paramref name="i"/>: it matched, and it shaped this action for this role.</summary>
    private bool Explains(int i)
    {
        CompiledCondition condition = _snapshot.Conditions[i];
        bool changesLimits = condition.Effect is ConditionEffect.Multiply or ConditionEffect.Limit or ConditionEffect.Allow;
        return MatchedConditions.Contains(i) && condition.AppliesTo(ActionIndex) && (!changesLimits || condition.AppliesToRole(EffectiveRoleIndex));
    }

    private void AppendConditionReasons(DecisionReason[] reasons, ref int next)
    {
        PolicySnapshot snapshot = _snapshot;
        if (MatchedConditions.IsEmpty)
        {
            return;
        }

        // Re-read the attributes (they were valid when decided): explanations are built on demand, off the hot path.
        AttributeValue[] values = snapshot.Attributes.Host.Length == 0 ? [] : new AttributeValue[snapshot.Attributes.Host.Length];
        snapshot.Attributes.Read(Request, values);
        var context = new TestContext(Request, Amount, values, HostResults, EvaluatedAt);
        RoleEntry role = snapshot.Roles[EffectiveRoleIndex];
        ActionEntry action = snapshot.Actions[ActionIndex];
        CultureInfo inv = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder(128);
        for (int i = 0; i < snapshot.Conditions.Length; i++)
        {
            if (!Explains(i))
            {
                continue;
            }

            CompiledCondition condition = snapshot.Conditions[i];

            bool satisfied = ForcedApprovalSatisfied && condition.Effect == ConditionEffect.RequireApproval;
            text.Clear().Append(condition.Name).Append(": ");
            TestEvaluator.Explain(snapshot.Tests, condition.Test, context, text);
            text.Append(" -> ");

            // Written straight into the message: no string per part (issue 17).
            switch (condition.Effect)
            {
                case ConditionEffect.Deny:
                    text.Append("Deny");
                    break;
                case ConditionEffect.RequireApproval when satisfied:
                    text.Append("RequireApproval, given by the approver (").Append(role.Name).Append(')');
                    break;
                case ConditionEffect.RequireApproval:
                    text.Append("RequireApproval");
                    if (condition.ApproverRole is not null)
                    {
                        text.Append(" by ").Append(condition.ApproverRole).Append(" or higher");
                    }

                    break;
                case ConditionEffect.Allow:
                    text.Append("Allow without limit for ").Append(role.Name);
                    break;
                case ConditionEffect.Limit:
                    text.Append(inv, $"limit {condition.Limit!.Value:0.############} {(action.IsCount ? "grants" : action.UnitName)} ");
                    AppendScopes(text, condition.Scopes).Append(" for ").Append(role.Name);
                    break;
                default:
                    text.Append(inv, $"limits x{condition.Multiplier} ");
                    AppendScopes(text, condition.Scopes);
                    break;
            }

            reasons[next++] = new DecisionReason
            {
                Kind = DecisionReasonKind.Condition,
                ConfigurationPath = condition.Path,
                Passed = condition.Effect is not (ConditionEffect.Deny or ConditionEffect.RequireApproval) || satisfied,
                ConditionName = condition.Name,
                Message = text.ToString(),
            };
        }

        // "(PerIncident and PerCustomer)": the scopes as their flags enum names them, in its order.
        static System.Text.StringBuilder AppendScopes(System.Text.StringBuilder text, LimitScopes scopes)
        {
            text.Append('(');
            if (scopes == LimitScopes.None)
            {
                return text.Append("None)");
            }

            string separator = string.Empty;
            foreach (LimitScopes scope in (ReadOnlySpan<LimitScopes>)[LimitScopes.PerIncident, LimitScopes.PerCustomer, LimitScopes.PerAgent])
            {
                if ((scopes & scope) != 0)
                {
                    text.Append(separator).Append(scope switch { LimitScopes.PerIncident => "PerIncident", LimitScopes.PerCustomer => "PerCustomer", _ => "PerAgent" });
                    separator = " and ";
                }
            }

            return text.Append(')');
        }
    }

    /// <summary>The configuration path of one of the effective role's limits for the action (kept in the snapshot, not per decision).</summary>
    private string PathOf(LimitKind kind)
    {
        // A limit set by a Limit condition is that condition's, wherever the role's own limit is (a
        // condition's limit acts on amounts, or on counts for a counted action).
        bool isCount = kind is LimitKind.IncidentCount or LimitKind.CustomerCount or LimitKind.AgentCount;
        int from = kind switch
        {
            LimitKind.IncidentAmount or LimitKind.IncidentCount => _facts.IncidentLimitFrom,
            LimitKind.CustomerAmount or LimitKind.CustomerCount => _facts.CustomerLimitFrom,
            _ => _facts.AgentLimitFrom,
        };
        if (from >= 0 && isCount == _snapshot.Actions[ActionIndex].IsCount)
        {
            return $"{_snapshot.Conditions[from].Path}:Limit";
        }

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

    /// <summary>The lists a decision builds when first read; a race builds them twice, equal, and keeps one.</summary>
    private sealed class Views
    {
        public IReadOnlyList<DecisionReason>? Reasons;
        public IReadOnlyList<ActionHeadroom>? Headroom;
    }
}
