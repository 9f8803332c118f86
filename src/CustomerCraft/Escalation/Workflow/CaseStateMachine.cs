using Stateless;

namespace CustomerCraft.Escalation.Workflow;

/// <summary>
/// The case state machine, defined with Stateless. Configuring a Stateless machine costs several
/// microseconds and kilobytes, and firing one allocates more than a kilobyte, so neither is done
/// per transition. The machine has no entry or exit actions and its guards read only two facts
/// (is there a level above the case, is it at the front line), so its answer to "where does this
/// trigger take a case in this state" depends only on the state, the trigger and those two facts:
/// 8 x 12 x 4 possible questions. The first time a question comes up it is fired on a configured
/// Stateless machine (one per thread); the answer is remembered, and every later transition is a
/// table lookup. Everything a move does to the case (owner, level, clocks, timeline) is done by the
/// workflow around it.
/// </summary>
internal sealed class CaseStateMachine
{
    private const int Unknown = 0;
    private const int Refused = -1;

    private static readonly int StateCount = Enum.GetValues<CaseState>().Length;
    private static readonly int TriggerCount = Enum.GetValues<CaseTrigger>().Length;

    // Unknown (0), Refused (-1), or the destination state + 1; written once per slot, racing writers write the same value.
    private static readonly int[] s_answers = new int[StateCount * TriggerCount * 4];

    [ThreadStatic]
    private static CaseStateMachine? t_instance;

    private readonly StateMachine<CaseState, CaseTrigger> _machine;
    private CaseState _state;
    private bool _canGoUp;
    private bool _atFrontLine;
    private bool _unhandled;

    private CaseStateMachine()
    {
        _machine = new StateMachine<CaseState, CaseTrigger>(() => _state, s => _state = s, FiringMode.Immediate);
        Configure(_machine, () => _canGoUp, () => _atFrontLine);
        // A refused trigger is the normal answer to a question, not an exceptional event inside the
        // machine: record it and let the caller raise its own typed exception.
        _machine.OnUnhandledTrigger((_, _, _) => _unhandled = true);
    }

    /// <summary>Where <paramref name="trigger"/> takes a case in <paramref name="state"/> at <paramref name="level"/>, or <see langword="false"/> when it is not allowed.</summary>
    public static bool TryFire(CaseState state, int level, int topLevel, CaseTrigger trigger, out CaseState destination)
    {
        destination = state;
        if ((uint)state >= (uint)StateCount || (uint)trigger >= (uint)TriggerCount)
        {
            return false;
        }

        int guards = (level < topLevel ? 1 : 0) | (level == 0 ? 2 : 0);
        int slot = (((((int)state * TriggerCount) + (int)trigger) * 4) + guards);
        int answer = Volatile.Read(ref s_answers[slot]);
        if (answer == Unknown)
        {
            answer = Ask(state, trigger, canGoUp: (guards & 1) != 0, atFrontLine: (guards & 2) != 0);
            Volatile.Write(ref s_answers[slot], answer);
        }

        if (answer == Refused)
        {
            return false;
        }

        destination = (CaseState)(answer - 1);
        return true;
    }

    /// <summary>Fires <paramref name="trigger"/> on this thread's Stateless machine.</summary>
    private static int Ask(CaseState state, CaseTrigger trigger, bool canGoUp, bool atFrontLine)
    {
        CaseStateMachine machine = t_instance ??= new CaseStateMachine();
        machine._state = state;
        machine._canGoUp = canGoUp;
        machine._atFrontLine = atFrontLine;
        machine._unhandled = false;
        machine._machine.Fire(trigger);
        return machine._unhandled ? Refused : (int)machine._state + 1;
    }

    /// <summary>Asks this thread's Stateless machine directly, bypassing the memo (for tests and benchmarks that compare the two).</summary>
    public static bool FireUncached(CaseState state, int level, int topLevel, CaseTrigger trigger, out CaseState destination)
    {
        int answer = Ask(state, trigger, level < topLevel, level == 0);
        destination = answer > 0 ? (CaseState)(answer - 1) : state;
        return answer > 0;
    }

    /// <summary>A machine for diagrams and introspection (not for firing).</summary>
    public static StateMachine<CaseState, CaseTrigger> CreateForDiagram()
    {
        var machine = new StateMachine<CaseState, CaseTrigger>(CaseState.New);
        Configure(machine, () => true, () => true);
        return machine;
    }

    private static void Configure(StateMachine<CaseState, CaseTrigger> machine, Func<bool> canGoUp, Func<bool> atFrontLine)
    {
        const string HigherLevel = "a higher level exists";
        const string FrontLine = "at the front line";
        const string UpTheLadder = "escalated";
        bool Escalated() => !atFrontLine();

        machine.Configure(CaseState.New)
            .Permit(CaseTrigger.Assign, CaseState.InProgress)
            .PermitIf(CaseTrigger.Escalate, CaseState.Escalated, canGoUp, HigherLevel);

        machine.Configure(CaseState.InProgress)
            .PermitReentry(CaseTrigger.Assign)
            .Permit(CaseTrigger.RequestApproval, CaseState.AwaitingApproval)
            .PermitIf(CaseTrigger.Escalate, CaseState.Escalated, canGoUp, HigherLevel)
            .Permit(CaseTrigger.AwaitCustomer, CaseState.AwaitingCustomer)
            .Permit(CaseTrigger.Resolve, CaseState.Resolved);

        machine.Configure(CaseState.AwaitingApproval)
            .Permit(CaseTrigger.Approve, CaseState.InProgress)
            .Permit(CaseTrigger.Reject, CaseState.InProgress)
            .PermitReentryIf(CaseTrigger.RerouteApproval, canGoUp, HigherLevel)
            .PermitIf(CaseTrigger.Escalate, CaseState.Escalated, canGoUp, HigherLevel);

        machine.Configure(CaseState.Escalated)
            .PermitReentry(CaseTrigger.Assign)
            .PermitReentryIf(CaseTrigger.Escalate, canGoUp, HigherLevel)
            .Permit(CaseTrigger.RequestApproval, CaseState.AwaitingApproval)
            .Permit(CaseTrigger.ReturnToOwner, CaseState.InProgress)
            .Permit(CaseTrigger.AwaitCustomer, CaseState.AwaitingCustomer)
            .Permit(CaseTrigger.Resolve, CaseState.Resolved);

        machine.Configure(CaseState.AwaitingCustomer)
            .PermitIf(CaseTrigger.CustomerReplied, CaseState.InProgress, atFrontLine, FrontLine)
            .PermitIf(CaseTrigger.CustomerReplied, CaseState.Escalated, Escalated, UpTheLadder)
            .Permit(CaseTrigger.Resolve, CaseState.Resolved);

        machine.Configure(CaseState.Resolved)
            .Permit(CaseTrigger.Close, CaseState.Closed)
            .Permit(CaseTrigger.Reopen, CaseState.Reopened);

        machine.Configure(CaseState.Reopened)
            .Permit(CaseTrigger.Assign, CaseState.InProgress)
            .PermitIf(CaseTrigger.Escalate, CaseState.Escalated, canGoUp, HigherLevel)
            .Permit(CaseTrigger.Resolve, CaseState.Resolved);

        // Closed is final: a customer who comes back after closure opens a new case.
        machine.Configure(CaseState.Closed);
    }
}
