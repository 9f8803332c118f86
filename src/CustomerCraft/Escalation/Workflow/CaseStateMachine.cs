using Stateless;

namespace CustomerCraft.Escalation.Workflow;

/// <summary>
/// The case state machine, defined with Stateless. Configuring a Stateless machine costs several
/// microseconds and kilobytes, so it is never done per case or per transition: each thread keeps
/// one configured machine whose state is read from and written to fields set just before firing.
/// The machine only answers "where does this trigger take a case in this state"; everything the
/// move does to the case (owner, level, clocks, timeline) is done by the workflow around it.
/// </summary>
internal sealed class CaseStateMachine
{
    [ThreadStatic]
    private static CaseStateMachine? t_instance;

    private readonly StateMachine<CaseState, CaseTrigger> _machine;
    private CaseState _state;
    private int _level;
    private int _topLevel;
    private bool _unhandled;

    private CaseStateMachine()
    {
        _machine = new StateMachine<CaseState, CaseTrigger>(() => _state, s => _state = s, FiringMode.Immediate);
        Configure(_machine, () => _level < _topLevel, () => _level == 0);
        // A refused trigger is the normal answer to a question, not an exceptional event inside the
        // machine: record it and let the caller raise its own typed exception.
        _machine.OnUnhandledTrigger((_, _, _) => _unhandled = true);
    }

    /// <summary>Where <paramref name="trigger"/> takes a case in <paramref name="state"/> at <paramref name="level"/>, or <see langword="false"/> when it is not allowed.</summary>
    public static bool TryFire(CaseState state, int level, int topLevel, CaseTrigger trigger, out CaseState destination)
    {
        CaseStateMachine machine = t_instance ??= new CaseStateMachine();
        machine._state = state;
        machine._level = level;
        machine._topLevel = topLevel;
        machine._unhandled = false;
        machine._machine.Fire(trigger);
        destination = machine._state;
        return !machine._unhandled;
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
