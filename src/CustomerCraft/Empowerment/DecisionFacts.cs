using System.Runtime.CompilerServices;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The engine's working state while it decides: what matched, each limit as it stood, each action's
/// headroom, the outcome and the approver. The engine fills it step by step and then hands it to the
/// immutable <see cref="AuthorityDecision"/>, which only reads it. A struct, so a decision stays one
/// allocation: the state lives in the evaluation's frame and is copied once into the decision.
/// </summary>
internal struct DecisionFacts
{
    public DecisionOutcome Outcome;
    public int ApproverRoleIndex;
    public int ForcedCondition;
    public ulong MatchedConditions;
    public bool NoAuthority;
    public bool NoApprover;
    public bool ForcedApprovalSatisfied;

    /// <summary>An Allow condition lifted every limit of the requested action.</summary>
    public bool AllowedWithoutLimit;

    /// <summary>The host conditions' answers, kept only for policies that have host conditions, so the reasons can show them.</summary>
    public bool[]? HostResults;

    /// <summary>
    /// The condition whose absolute limit set each scope's limit of the requested action; -1 for the
    /// configured one. A byte each (there are at most 64 conditions): the decision is copied whole.
    /// </summary>
    public sbyte IncidentLimitFrom;
    public sbyte CustomerLimitFrom;
    public sbyte AgentLimitFrom;

    public DateTimeOffset CustomerWindowStart;
    public DateTimeOffset AgentWindowStart;

    private LimitChecks _checks;
    private HeadroomSlots _headroom;
    private HeadroomSlot[]? _headroomOverflow;

    public DecisionFacts(int actionCount)
    {
        ApproverRoleIndex = -1;
        ForcedCondition = -1;
        IncidentLimitFrom = CustomerLimitFrom = AgentLimitFrom = -1;
        if (actionCount > HeadroomSlots.Length)
        {
            _headroomOverflow = new HeadroomSlot[actionCount];
        }
    }

    public readonly LimitCheck GetCheck(LimitKind kind) => _checks.Get(kind);

    public void SetCheck(LimitKind kind, decimal limit, decimal used) => _checks.Set(kind, limit, used);

    public void SetHeadroom(int action, in HeadroomSlot slot)
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

    public readonly HeadroomSlot GetSlot(int action) => _headroomOverflow is not null ? _headroomOverflow[action] : _headroom[action];
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
