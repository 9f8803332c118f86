using System.Globalization;
using CustomerCraft.Escalation.Sla;

namespace CustomerCraft.Escalation.Workflow;

/// <summary>What a move needs besides its trigger.</summary>
internal readonly record struct MoveArgs(
    string? Note = null,
    EscalationReason? Reason = null,
    PendingApproval? Approval = null,
    int Level = -1,
    string? GrantId = null,
    string? Detail = null);

/// <summary>
/// One change to a case being put together: moves checked against the state machine, the clocks
/// they start, pause or stop, and the timeline entries they append. Nothing is visible to anyone
/// until <see cref="Build"/> and a successful save.
/// </summary>
internal sealed class CaseEdit
{
    /// <summary>
    /// More than the number of warnings and breaches any compiled ladder can raise in a row (levels
    /// and warning fractions are capped by validation); reaching it means a bug, not a busy case.
    /// </summary>
    private const int MaxDueSteps = 4_096;

    private readonly SupportCase _original;
    private readonly EscalationPolicy _policy;
    private IReadOnlyList<CaseEvent> _history;
    private SlaTimer[] _timers;

    public CaseEdit(SupportCase original, EscalationPolicy policy)
    {
        _original = original;
        _policy = policy;
        _history = original.History;
        _timers = original.Timers as SlaTimer[] ?? [.. original.Timers];
        State = original.State;
        Level = original.Level;
        Owner = original.Owner;
        Handler = original.Handler;
        Approval = original.PendingApproval;
    }

    public CaseState State { get; private set; }

    public int Level { get; private set; }

    public CaseActor? Owner { get; private set; }

    public CaseActor? Handler { get; private set; }

    public PendingApproval? Approval { get; private set; }

    private List<(SlaTimer Timer, bool Breach)>? _slaEvents;
    private List<(PendingApproval Approval, string Outcome, DateTimeOffset At)>? _endedApprovals;

    /// <summary>How many entries this edit appended (the tail of the timeline).</summary>
    public int NewEventCount => _history.Count - _original.History.Count;

    /// <summary>Warnings and breaches raised by <see cref="ApplyDue"/>, for metrics.</summary>
    public IReadOnlyList<(SlaTimer Timer, bool Breach)> SlaEvents => (IReadOnlyList<(SlaTimer, bool)>?)_slaEvents ?? [];

    /// <summary>Approvals that ended without being approved (rejected, timed out, withdrawn), for turnaround metrics and orphan clean-up.</summary>
    public IReadOnlyList<(PendingApproval Approval, string Outcome, DateTimeOffset At)> EndedApprovals =>
        (IReadOnlyList<(PendingApproval, string, DateTimeOffset)>?)_endedApprovals ?? [];

    /// <summary>The entries this edit appended, oldest first.</summary>
    public CaseEvent[] NewEvents()
    {
        var events = new CaseEvent[NewEventCount];
        for (int i = 0; i < events.Length; i++)
        {
            events[i] = _history[_original.History.Count + i];
        }

        return events;
    }

    public string CaseId => _original.Id;

    /// <summary>Whether the edit changed anything (an entry, or a clock without one).</summary>
    public bool HasChanges => NewEventCount > 0 || !ReferenceEquals(_timers, _original.Timers);

    public DateTimeOffset LastAt { get; private set; }

    /// <summary>Starts the clocks of the front line for a newly opened case.</summary>
    public void Open(DateTimeOffset at, CaseActor? actor, string? note)
    {
        StartStint(at, includeApproval: false);
        Append(at, CaseEventKind.Opened, null, CaseState.New, actor, note: note);
    }

    /// <summary>Applies <paramref name="trigger"/> or throws <see cref="CaseTransitionException"/> without changing anything.</summary>
    public void Fire(CaseTrigger trigger, CaseActor? actor, DateTimeOffset at, in MoveArgs args)
    {
        if (!CaseStateMachine.TryFire(State, Level, _policy.TopLevel, trigger, out CaseState to))
        {
            throw new CaseTransitionException(CaseId, State, trigger, Explain(trigger));
        }

        CaseState from = State;
        string? detail = args.Detail;
        string? approvalId = args.Approval?.ApprovalId ?? Approval?.ApprovalId;
        switch (trigger)
        {
            case CaseTrigger.Assign:
                if (Level == 0)
                {
                    Owner = actor;
                }

                Handler = actor;
                StopResponse();
                break;
            case CaseTrigger.RequestApproval:
                Level = args.Level;
                Handler = null;
                Approval = args.Approval;
                StartStint(at, includeApproval: true);
                detail ??= $"{args.Approval!.DecisionSummary}; sent to level {LevelName(Level)}";
                break;
            case CaseTrigger.Approve:
            case CaseTrigger.Reject:
                if (trigger == CaseTrigger.Reject && Approval is { } rejected)
                {
                    (_endedApprovals ??= []).Add((rejected, actor is null ? "timed_out" : "rejected", at));
                }

                ReturnToOwner(at);
                Approval = null;
                break;
            case CaseTrigger.RerouteApproval:
                Level++;
                Handler = null;
                StartStint(at, includeApproval: true);
                detail ??= $"approval moved to level {LevelName(Level)}";
                break;
            case CaseTrigger.Escalate:
                if (Approval is { } withdrawn)
                {
                    (_endedApprovals ??= []).Add((withdrawn, "withdrawn", at));
                    Approval = null;
                }

                Level++;
                Handler = null;
                StartStint(at, includeApproval: false);
                detail ??= $"to level {LevelName(Level)}";
                break;
            case CaseTrigger.ReturnToOwner:
            case CaseTrigger.Reopen:
                ReturnToOwner(at);
                break;
            case CaseTrigger.AwaitCustomer:
                StopResponse();
                Pause(at);
                break;
            case CaseTrigger.CustomerReplied:
                Resume(at);
                break;
            case CaseTrigger.Resolve:
            case CaseTrigger.Close:
                _timers = [];
                break;
        }

        State = to;
        Append(at, CaseEventKind.Transition, trigger, from, actor, args.Reason, args.Note, approvalId, args.GrantId, detail);
    }

    /// <summary>Adds a note without moving the case.</summary>
    public void Note(CaseActor actor, DateTimeOffset at, string note) =>
        Append(at, CaseEventKind.Note, null, State, actor, note: note);

    /// <summary>
    /// Raises every warning and applies every breach due at or before <paramref name="now"/>, in
    /// the order they fell due, each at the instant it fell due, so the outcome does not depend on
    /// how often deadlines are processed.
    /// </summary>
    public void ApplyDue(DateTimeOffset now)
    {
        for (int step = 0; step < MaxDueSteps; step++)
        {
            int index = -1;
            DateTimeOffset earliest = DateTimeOffset.MaxValue;
            for (int i = 0; i < _timers.Length; i++)
            {
                if (_timers[i].NextEventAt is { } at && at <= now && at < earliest)
                {
                    earliest = at;
                    index = i;
                }
            }

            if (index < 0)
            {
                return;
            }

            SlaTimer timer = _timers[index];
            if (timer.NextWarningAt is { } warnAt && warnAt <= now && (timer.DueAt is null || warnAt < timer.DueAt))
            {
                // Which fraction was reached is worked out from the time consumed at that instant,
                // not from a count of warnings, so a reload that changes the fractions neither
                // repeats a warning nor mislabels one.
                long consumed = (timer.Consumed + _policy.Between(timer.Clock, timer.RunningSince!.Value, warnAt)).Ticks;
                double fraction = ReachedFraction(timer.Target, consumed);
                SlaTimer warned = new SlaTimer(timer) { WarningsRaised = timer.WarningsRaised + (double.IsNaN(fraction) ? 0 : 1), NextWarningAt = WarningAt(timer.Target, consumed, timer.Clock, timer.RunningSince.Value, timer.Consumed) };
                Replace(index, warned);
                if (double.IsNaN(fraction))
                {
                    continue;
                }

                (_slaEvents ??= []).Add((timer, false));
                Append(warnAt, CaseEventKind.SlaWarning, null, State, null, timer: timer.Kind,
                    detail: $"{Describe(timer)}: {(fraction * 100).ToString("0.#", CultureInfo.InvariantCulture)}% of the target used");
            }
            else
            {
                DateTimeOffset dueAt = timer.DueAt!.Value;
                Replace(index, new SlaTimer(timer) { BreachedAt = dueAt, NextWarningAt = null });
                (_slaEvents ??= []).Add((timer, true));
                Breach(timer, dueAt);
            }
        }

        throw new InvalidOperationException($"Case '{CaseId}': more than {MaxDueSteps} SLA events fell due at once; the ladder's clocks are inconsistent.");
    }

    public SupportCase Build(DateTimeOffset at) => new SupportCase(_original)
    {
        State = State,
        Level = Level,
        Owner = Owner,
        Handler = Handler,
        PendingApproval = Approval,
        Timers = _timers,
        History = _history,
        Version = _original.Version + 1,
        UpdatedAt = LastAt > at ? LastAt : at,
    };

    public SupportCase BuildNew(DateTimeOffset at) => new SupportCase(_original)
    {
        State = State,
        Owner = Owner,
        Handler = Handler,
        Timers = _timers,
        History = _history,
        Version = 1,
        OpenedAt = at,
        UpdatedAt = at,
    };

    private void Breach(SlaTimer timer, DateTimeOffset at)
    {
        LevelEntry? level = _policy.Level(timer.Level);
        SlaBreachAction action = level is null ? SlaBreachAction.Deny : timer.Kind == SlaTimerKind.Approval ? level.OnApprovalTimeout : level.OnBreach;
        bool canGoUp = Level < _policy.TopLevel;
        string outcome;
        if (State == CaseState.AwaitingApproval)
        {
            (CaseTrigger? trigger, outcome) = action switch
            {
                SlaBreachAction.Escalate when canGoUp => ((CaseTrigger?)CaseTrigger.Escalate, "the case escalates"),
                SlaBreachAction.Reroute when canGoUp => (CaseTrigger.RerouteApproval, "the approval moves up"),
                SlaBreachAction.Escalate => (null, "already at the top of the ladder; recorded only"),
                _ => (CaseTrigger.Reject, "the request is denied"),
            };
            Append(at, CaseEventKind.SlaBreach, null, State, null, timer: timer.Kind, detail: $"{Describe(timer)}: target breached; {outcome}");
            if (trigger is { } move)
            {
                Fire(move, null, at, new MoveArgs(
                    Reason: move == CaseTrigger.Escalate ? EscalationReason.SlaBreach : null,
                    Note: move == CaseTrigger.Reject ? $"Denied automatically: {Describe(timer)} breached." : null));
            }

            return;
        }

        bool escalate = action != SlaBreachAction.Deny && canGoUp && State is CaseState.New or CaseState.InProgress or CaseState.Escalated or CaseState.Reopened;
        outcome = escalate ? "the case escalates" : action == SlaBreachAction.Deny ? "nothing to deny; recorded only" : canGoUp ? "recorded only" : "already at the top of the ladder; recorded only";
        Append(at, CaseEventKind.SlaBreach, null, State, null, timer: timer.Kind, detail: $"{Describe(timer)}: target breached; {outcome}");
        if (escalate)
        {
            Fire(CaseTrigger.Escalate, null, at, new MoveArgs(Reason: EscalationReason.SlaBreach));
        }
    }

    private string? Explain(CaseTrigger trigger) => trigger switch
    {
        CaseTrigger.Escalate or CaseTrigger.RerouteApproval when Level >= _policy.TopLevel
            => _policy.Levels.Length == 0 ? "no escalation levels are configured" : "already at the top of the ladder",
        _ => State == CaseState.Closed ? "the case is closed; open a new one" : null,
    };

    private void ReturnToOwner(DateTimeOffset at)
    {
        Level = 0;
        Handler = Owner;
        StartStint(at, includeApproval: false);
    }

    /// <summary>
    /// Starts the clocks of the level the case just arrived at. An approval waiting at a level is
    /// timed by the level's approval timeout alone; the level's response and resolution targets
    /// time cases escalated to it. A case that arrives with a handler (back with its owner) has been
    /// responded to: only its resolution clock runs.
    /// </summary>
    private void StartStint(DateTimeOffset at, bool includeApproval)
    {
        LevelEntry? level = _policy.Level(Level);
        if (level is null)
        {
            _timers = [];
            return;
        }

        SlaTargets targets = includeApproval ? default : level.TargetsFor(_original.Priority);
        TimeSpan? response = Handler is null ? targets.Response : null;
        TimeSpan? approval = includeApproval ? level.ApprovalTimeout : null;
        int count = (response is null ? 0 : 1) + (targets.Resolution is null ? 0 : 1) + (approval is null ? 0 : 1);
        SlaTimer[] timers = count == 0 ? [] : new SlaTimer[count];
        int next = 0;
        if (response is { } responseTarget)
        {
            timers[next++] = Start(SlaTimerKind.Response, level, responseTarget, at);
        }

        if (targets.Resolution is { } resolution)
        {
            timers[next++] = Start(SlaTimerKind.Resolution, level, resolution, at);
        }

        if (approval is { } timeout)
        {
            timers[next] = Start(SlaTimerKind.Approval, level, timeout, at);
        }

        _timers = timers;
    }

    private SlaTimer Start(SlaTimerKind kind, LevelEntry level, TimeSpan target, DateTimeOffset at)
    {
        DateTimeOffset? firstWarning = WarningAt(target, consumed: 0, level.Clock, at, TimeSpan.Zero);
        return new SlaTimer { Kind = kind, Level = level.Number, Target = target, Clock = level.Clock, RunningSince = at, DueAt = _policy.Add(level.Clock, at, target), NextWarningAt = firstWarning };
    }

    /// <summary>The threshold, in ticks of target time, at which a warning fraction is reached.</summary>
    private static long Threshold(TimeSpan target, double fraction) => (long)(target.Ticks * fraction);

    /// <summary>
    /// When the first warning fraction whose threshold lies beyond <paramref name="consumed"/> ticks
    /// falls due, on a clock running since <paramref name="since"/> with <paramref name="consumedBefore"/>
    /// used up before then; <see langword="null"/> when none is left.
    /// </summary>
    private DateTimeOffset? WarningAt(TimeSpan target, long consumed, SlaClock clock, DateTimeOffset since, TimeSpan consumedBefore)
    {
        double[] fractions = _policy.WarningFractions;
        for (int i = 0; i < fractions.Length; i++)
        {
            long threshold = Threshold(target, fractions[i]);
            if (threshold > consumed)
            {
                TimeSpan remaining = TimeSpan.FromTicks(threshold) - consumedBefore;
                return remaining <= TimeSpan.Zero ? since : _policy.Add(clock, since, remaining);
            }
        }

        return null;
    }

    /// <summary>The largest warning fraction reached at <paramref name="consumed"/> ticks, or NaN when none (the fractions changed under a reload).</summary>
    private double ReachedFraction(TimeSpan target, long consumed)
    {
        double reached = double.NaN;
        foreach (double fraction in _policy.WarningFractions)
        {
            if (Threshold(target, fraction) <= consumed)
            {
                reached = fraction;
            }
        }

        return reached;
    }

    /// <summary>Someone at the level acted on the case: its response target is met.</summary>
    private void StopResponse()
    {
        for (int i = 0; i < _timers.Length; i++)
        {
            if (_timers[i].Kind == SlaTimerKind.Response)
            {
                _timers = [.. _timers[..i], .. _timers[(i + 1)..]];
                return;
            }
        }
    }

    private void Pause(DateTimeOffset at)
    {
        for (int i = 0; i < _timers.Length; i++)
        {
            SlaTimer timer = _timers[i];
            if (timer.RunningSince is { } since && timer.BreachedAt is null)
            {
                Replace(i, new SlaTimer(timer) { Consumed = timer.Consumed + _policy.Between(timer.Clock, since, at), RunningSince = null, DueAt = null, NextWarningAt = null });
            }
        }
    }

    private void Resume(DateTimeOffset at)
    {
        for (int i = 0; i < _timers.Length; i++)
        {
            SlaTimer timer = _timers[i];
            if (timer.RunningSince is null && timer.BreachedAt is null)
            {
                Replace(i, new SlaTimer(timer)
                {
                    RunningSince = at,
                    DueAt = _policy.Add(timer.Clock, at, timer.Target - timer.Consumed),
                    NextWarningAt = WarningAt(timer.Target, timer.Consumed.Ticks, timer.Clock, at, timer.Consumed),
                });
            }
        }
    }

    private void Replace(int index, SlaTimer timer)
    {
        // Timers arrays are shared with the case this edit started from: copy before writing.
        if (ReferenceEquals(_timers, _original.Timers))
        {
            _timers = [.. _timers];
        }

        _timers[index] = timer;
    }

    private string LevelName(int level) => _policy.Level(level)?.DisplayName ?? level.ToString(CultureInfo.InvariantCulture);

    private string Describe(SlaTimer timer) =>
        $"{timer.Kind} clock at level {LevelName(timer.Level)} ({timer.Target.ToString("c", CultureInfo.InvariantCulture)} {(timer.Clock == SlaClock.BusinessHours ? "business hours" : "calendar time")})";

    private void Append(
        DateTimeOffset at,
        CaseEventKind kind,
        CaseTrigger? trigger,
        CaseState from,
        CaseActor? actor,
        EscalationReason? reason = null,
        string? note = null,
        string? approvalId = null,
        string? grantId = null,
        string? detail = null,
        SlaTimerKind? timer = null)
    {
        var entry = new CaseEvent
        {
            Sequence = _history.Count + 1,
            At = at,
            Kind = kind,
            Trigger = trigger,
            From = from,
            To = State,
            Level = Level,
            Actor = actor,
            Handler = Handler,
            Reason = reason,
            Note = note,
            ApprovalId = approvalId,
            GrantId = grantId,
            Timer = timer,
            Detail = detail,
        };
        _history = CaseTimeline.Append(_history, entry);
        if (at > LastAt)
        {
            LastAt = at;
        }
    }
}
