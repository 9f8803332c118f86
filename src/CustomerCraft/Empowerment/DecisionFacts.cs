using System.Runtime.CompilerServices;
using CustomerCraft.Empowerment.Policy;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The engine's working state while it decides: what matched, each limit as it stood, the outcome
/// and the approver. The engine fills it step by step and then hands it to the immutable
/// <see cref="AuthorityDecision"/>, which only reads it. A struct of integers (amounts in minor
/// units), so a decision stays one small allocation: the state lives in the evaluation's frame and
/// is copied once into the decision, and reasons are built from it only when someone reads them.
/// </summary>
/// <remarks>
/// Laid out by hand, integers first and the bytes together, so no field pads another: every byte
/// here is a byte of every decision (issue 17 asks for at most 200 per decision).
/// </remarks>
internal struct DecisionFacts
{
    public int ApproverRoleIndex;
    public int ForcedCondition;

    /// <summary>The conditions whose tests matched.</summary>
    public ConditionSet Matched;

    /// <summary>The host conditions' answers, kept only for policies that have host conditions, so the reasons can show them.</summary>
    public bool[]? HostResults;

    /// <summary>
    /// For a decision asked with <see cref="HeadroomScope.AllActions"/>: the usage of every budget
    /// the effective role's limits touch, every action's in turn (as the ledger was read), from which
    /// each action's headroom is worked out when it is read, packed (<see cref="KeptUsage"/>); nothing
    /// but <see cref="KeptUsage.AllZero"/> when every usage read was zero (nothing was ever charged to
    /// the incident, customer or agent). Otherwise not kept (<see cref="KeptUsage.IsKept"/> is false),
    /// and the requested action's headroom follows from the checks.
    /// </summary>
    public KeptUsage Usage;

    /// <summary>The condition whose absolute limit set each scope's limit of the requested action; -1 for the configured one.</summary>
    public int IncidentLimitFrom;
    public int CustomerLimitFrom;
    public int AgentLimitFrom;

    private byte _outcome;
    public DecisionFlags Flags;

    // A bit per LimitKind: which checks apply.
    private byte _applies;

    private LimitChecks _checks;

    public DecisionOutcome Outcome
    {
        readonly get => (DecisionOutcome)_outcome;
        set => _outcome = (byte)value;
    }

    public DecisionFacts() => Begin();

    /// <summary>
    /// Sets what a fresh evaluation starts from (no approver, no forced condition, configured limits)
    /// on facts that are zeroed: a new decision's, filled in place, or <see langword="default"/>.
    /// </summary>
    public void Begin()
    {
        ApproverRoleIndex = -1;
        ForcedCondition = -1;
        IncidentLimitFrom = CustomerLimitFrom = AgentLimitFrom = -1;
    }

    public readonly bool Has(DecisionFlags flag) => (Flags & flag) != 0;

    public void Set(DecisionFlags flag, bool value) => Flags = value ? Flags | flag : Flags & ~flag;

    /// <summary>How many limit checks apply.</summary>
    public readonly int CheckCount => System.Numerics.BitOperations.PopCount(_applies);

    public readonly LimitCheck GetCheck(LimitKind kind) => (_applies & (1 << (int)kind)) == 0 ? default : _checks.Get(kind);

    public void SetCheck(LimitKind kind, long limit, long used)
    {
        _checks.Set(kind, limit, used);
        _applies |= (byte)(1 << (int)kind);
    }

    /// <summary>Whether every limit that applies leaves room for <paramref name="amount"/> (minor units) and one more grant; only the first <paramref name="kinds"/> kinds are checked.</summary>
    public readonly bool ChecksPass(long amount, int kinds = LimitChecks.Length) => _checks.Pass(amount, kinds, _applies);

    /// <summary>The requested action's headroom, as <see cref="ResolutionAuthority"/> computes a slot, from the checks.</summary>
    public readonly HeadroomSlot RequestedSlot()
    {
        if (Has(DecisionFlags.NoAuthority))
        {
            return default;
        }

        bool hasAuthority = !Has(DecisionFlags.Blocked);
        if (Has(DecisionFlags.AllowedWithoutLimit))
        {
            return new HeadroomSlot { HasAuthority = hasAuthority, Amount = hasAuthority ? long.MaxValue : 0 };
        }

        var slot = new HeadroomSlot { HasAuthority = hasAuthority, Amount = long.MaxValue, Count = int.MaxValue };
        for (int kind = 0; kind < LimitChecks.Length; kind += 2)
        {
            LimitCheck amount = GetCheck((LimitKind)kind);
            if (amount.Applies)
            {
                slot.Amount = Math.Min(slot.Amount, Math.Max(0, amount.Limit - amount.Used));
            }

            LimitCheck count = GetCheck((LimitKind)(kind + 1));
            if (count.Applies)
            {
                slot.Count = (int)Math.Min(slot.Count, Math.Max(0, count.Limit - count.Used));
            }
        }

        slot.Finish();
        return slot;
    }
}

/// <summary>Yes/no facts of a decision, packed into one byte.</summary>
[Flags]
internal enum DecisionFlags : byte
{
    None = 0,

    /// <summary>The effective role has no authority for the action.</summary>
    NoAuthority = 1,

    /// <summary>Approval was needed and no role can give it.</summary>
    NoApprover = 2,

    /// <summary>A condition requires approval, and the request's approver satisfies it.</summary>
    ForcedApprovalSatisfied = 4,

    /// <summary>An Allow condition lifted every limit of the requested action.</summary>
    AllowedWithoutLimit = 8,

    /// <summary>A Deny, or a RequireApproval not satisfied, applies to the requested action.</summary>
    Blocked = 16,

    /// <summary>The decision carries every action's headroom.</summary>
    AllActions = 32,

    /// <summary>The request named an approver (whose role is then the effective role).</summary>
    HasApprover = 64,
}

/// <summary>How one limit stood when it was checked: a count, or an amount in minor units.</summary>
internal readonly record struct LimitCheck(bool Applies, long Limit, long Used);

/// <summary>
/// The six limit checks of a decision, stored compactly inline (amounts as minor units, counts as
/// integers): the decision is the one allocation of an evaluation, so its size is worth keeping
/// down. Which checks apply is kept by the owner (<see cref="DecisionFacts"/>), beside its other
/// bytes.
/// </summary>
internal struct LimitChecks
{
    public const int Length = 6;

    private Amounts _amounts;   // limit, used for Incident, Customer, Agent
    private Counts _counts;     // limit, used for Incident, Customer, Agent

    /// <summary>The check of <paramref name="kind"/>, which the caller knows applies.</summary>
    public readonly LimitCheck Get(LimitKind kind)
    {
        int scope = (int)kind >> 1;
        return ((int)kind & 1) == 0
            ? new LimitCheck(true, _amounts[scope * 2], _amounts[(scope * 2) + 1])
            : new LimitCheck(true, _counts[scope * 2], _counts[(scope * 2) + 1]);
    }

    public void Set(LimitKind kind, long limit, long used)
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
            _counts[(scope * 2) + 1] = (int)Math.Min(used, int.MaxValue);
        }
    }

    /// <summary>Whether every check that applies (a bit per kind in <paramref name="applies"/>) among the first <paramref name="kinds"/> leaves room for <paramref name="amount"/>.</summary>
    public readonly bool Pass(long amount, int kinds, byte applies)
    {
        for (int kind = 0; kind < kinds; kind++)
        {
            if ((applies & (1 << kind)) == 0)
            {
                continue;
            }

            int scope = kind >> 1;
            // Written as used > limit - requested: limits and requests are never negative, so it cannot overflow.
            bool exceeded = (kind & 1) == 0
                ? _amounts[(scope * 2) + 1] > _amounts[scope * 2] - amount
                : (long)_counts[(scope * 2) + 1] > (long)_counts[scope * 2] - 1;
            if (exceeded)
            {
                return false;
            }
        }

        return true;
    }

    [InlineArray(6)]
    private struct Amounts
    {
        private long _element;
    }

    [InlineArray(6)]
    private struct Counts
    {
        private int _element;
    }
}

/// <summary>Raw headroom for one action: amounts in minor units, <see cref="long.MaxValue"/> for no amount limit.</summary>
internal struct HeadroomSlot
{
    public long Amount;
    public int Count;
    public bool HasAuthority;
    public bool HasCount;

    /// <summary>No room left in count (or no authority) leaves no room in amount; an unset count is none.</summary>
    public void Finish()
    {
        if (Count == 0 || !HasAuthority)
        {
            Amount = 0;
        }

        HasCount = Count != int.MaxValue;
        if (!HasCount)
        {
            Count = 0;
        }
    }
}

/// <summary>
/// A set of condition indexes: the first 64 in a bit mask (every real policy we have seen), the
/// rest in an array allocated only for policies that have more.
/// </summary>
internal struct ConditionSet
{
    private ulong _low;
    private ulong[]? _high;

    public readonly bool IsEmpty => _low == 0 && _high is null;

    /// <summary>How many members the set has.</summary>
    public readonly int Count
    {
        get
        {
            int count = System.Numerics.BitOperations.PopCount(_low);
            foreach (ulong word in _high ?? [])
            {
                count += System.Numerics.BitOperations.PopCount(word);
            }

            return count;
        }
    }

    public readonly bool Contains(int index) =>
        index < 64 ? (_low & (1UL << index)) != 0 : _high is { } high && (high[(index >> 6) - 1] & (1UL << index)) != 0;

    public void Add(int index, int capacity)
    {
        if (index < 64)
        {
            _low |= 1UL << index;
            return;
        }

        _high ??= new ulong[(capacity - 1) >> 6];
        _high[(index >> 6) - 1] |= 1UL << index;
    }

    /// <summary>Calls back for each member in ascending order, without allocating.</summary>
    public readonly Enumerator GetEnumerator() => new(_low, _high);

    internal struct Enumerator(ulong low, ulong[]? high)
    {
        private ulong _word = low;
        private int _wordIndex;
        private int _current = -1;

        public readonly int Current => _current;

        public bool MoveNext()
        {
            while (true)
            {
                if (_word != 0)
                {
                    _current = (_wordIndex << 6) + System.Numerics.BitOperations.TrailingZeroCount(_word);
                    _word &= _word - 1;
                    return true;
                }

                if (high is null || _wordIndex >= high.Length)
                {
                    return false;
                }

                _word = high[_wordIndex++];
            }
        }
    }
}
