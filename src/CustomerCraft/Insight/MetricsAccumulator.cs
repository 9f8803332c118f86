using CustomerCraft.Coaching;
using CustomerCraft.Escalation;

namespace CustomerCraft.Insight;

/// <summary>What one case contributes to the case metrics, read from its timeline once.</summary>
internal struct CaseFacts
{
    public bool SlaApplies;
    public bool Breached;
    public bool Escalated;
    public bool ApprovalRequested;
    public int TurnaroundExcluded;
    public int TimedOut;
    public int Undecided;

    /// <summary>Reads <paramref name="supportCase"/>'s timeline; the turnarounds of its decided approvals (in ticks) go to <paramref name="turnarounds"/>.</summary>
    public static CaseFacts Read(SupportCase supportCase, bool slaApplies, List<long> turnarounds, Dictionary<string, ApprovalState> approvals)
    {
        turnarounds.Clear();
        approvals.Clear();
        var facts = new CaseFacts { SlaApplies = slaApplies };
        IReadOnlyList<CaseEvent> history = supportCase.History ?? [];
        for (int i = 0; i < history.Count; i++)
        {
            CaseEvent entry = history[i] ?? throw new ArgumentException($"Case '{supportCase.Id}' has a null timeline entry at index {i}.", "cases");
            if (entry.Kind == CaseEventKind.SlaBreach)
            {
                facts.Breached = true;
                continue;
            }

            if (entry.Kind != CaseEventKind.Transition)
            {
                continue;
            }

            switch (entry.Trigger)
            {
                case CaseTrigger.Escalate:
                    facts.Escalated = true;
                    break;
                case CaseTrigger.RequestApproval:
                    facts.ApprovalRequested = true;
                    if (entry.ApprovalId is null || !approvals.TryAdd(entry.ApprovalId, new ApprovalState(entry.At, Decided: false)))
                    {
                        facts.TurnaroundExcluded++;
                    }

                    break;
                case CaseTrigger.Approve:
                case CaseTrigger.Reject:
                    if (entry.ApprovalId is null
                        || !approvals.TryGetValue(entry.ApprovalId, out ApprovalState request)
                        || request.Decided
                        || entry.At < request.RequestedAt)
                    {
                        facts.TurnaroundExcluded++;
                        break;
                    }

                    approvals[entry.ApprovalId] = request with { Decided = true };
                    turnarounds.Add((entry.At - request.RequestedAt).Ticks);
                    if (entry.Trigger == CaseTrigger.Reject && entry.Actor is null)
                    {
                        facts.TimedOut++;
                    }

                    break;
            }
        }

        foreach (ApprovalState approval in approvals.Values)
        {
            if (!approval.Decided)
            {
                facts.Undecided++;
            }
        }

        if (!facts.Breached)
        {
            IReadOnlyList<SlaTimer> timers = supportCase.Timers ?? [];
            for (int i = 0; i < timers.Count; i++)
            {
                if (timers[i]?.BreachedAt is not null)
                {
                    facts.Breached = true;
                    break;
                }
            }
        }

        return facts;
    }
}

/// <summary>An approval request seen in a timeline, and whether a decision on it was seen yet.</summary>
internal readonly record struct ApprovalState(DateTimeOffset RequestedAt, bool Decided);

/// <summary>Running counts for one row; turned into a <see cref="ServiceMetricsRow"/> at the end.</summary>
internal sealed class MetricsAccumulator
{
    private int _interactions;
    private int _csatValid, _csatSatisfied, _csatExcluded;
    private int _npsValid, _promoters, _detractors, _npsExcluded;
    private int _cesValid, _cesExcluded;
    private long _cesSum;
    private int _fcrKnown, _fcrResolved;
    private int _cases;
    private int _slaCases, _slaCompliant;
    private int _escalatedOrApproval, _escalated, _approvalRequested;
    private List<long>? _turnarounds;
    private int _turnaroundExcluded, _timedOut, _undecided;

    public void Add(Interaction interaction)
    {
        _interactions++;
        if (interaction.Survey is { } survey)
        {
            if (survey.Satisfaction is { } satisfaction)
            {
                if (satisfaction is >= 1 and <= 5)
                {
                    _csatValid++;
                    if (satisfaction >= 4)
                    {
                        _csatSatisfied++;
                    }
                }
                else
                {
                    _csatExcluded++;
                }
            }

            if (survey.Recommend is { } recommend)
            {
                if (recommend is >= 0 and <= 10)
                {
                    _npsValid++;
                    if (recommend >= 9)
                    {
                        _promoters++;
                    }
                    else if (recommend <= 6)
                    {
                        _detractors++;
                    }
                }
                else
                {
                    _npsExcluded++;
                }
            }

            if (survey.Effort is { } effort)
            {
                if (effort is >= 1 and <= 7)
                {
                    _cesValid++;
                    _cesSum += effort;
                }
                else
                {
                    _cesExcluded++;
                }
            }
        }

        if (interaction.ResolvedAtFirstContact is { } resolved)
        {
            _fcrKnown++;
            if (resolved)
            {
                _fcrResolved++;
            }
        }
    }

    public void Add(in CaseFacts facts, List<long> turnarounds)
    {
        _cases++;
        if (facts.SlaApplies)
        {
            _slaCases++;
            if (!facts.Breached)
            {
                _slaCompliant++;
            }
        }

        if (facts.Escalated || facts.ApprovalRequested)
        {
            _escalatedOrApproval++;
        }

        if (facts.Escalated)
        {
            _escalated++;
        }

        if (facts.ApprovalRequested)
        {
            _approvalRequested++;
        }

        if (turnarounds.Count > 0)
        {
            (_turnarounds ??= []).AddRange(turnarounds);
        }

        _turnaroundExcluded += facts.TurnaroundExcluded;
        _timedOut += facts.TimedOut;
        _undecided += facts.Undecided;
    }

    public ServiceMetricsRow ToRow(string? key, DateTimeOffset? periodStart, DateTimeOffset? periodEnd) => new()
    {
        Key = key,
        PeriodStart = periodStart,
        PeriodEnd = periodEnd,
        Interactions = _interactions,
        Cases = _cases,
        Csat = Share(_csatSatisfied, _csatValid, _csatExcluded),
        Nps = new MetricValue(_npsValid == 0 ? null : 100.0 * (_promoters - _detractors) / _npsValid, _npsValid, _npsExcluded),
        Ces = new MetricValue(_cesValid == 0 ? null : (double)_cesSum / _cesValid, _cesValid, _cesExcluded),
        FirstContactResolution = Share(_fcrResolved, _fcrKnown, 0),
        SlaCompliance = Share(_slaCompliant, _slaCases, 0),
        EscalationRate = Share(_escalatedOrApproval, _cases, 0),
        EscalatedCases = _escalated,
        ApprovalRequestedCases = _approvalRequested,
        ApprovalTurnaround = Turnaround(),
    };

    private static MetricValue Share(int part, int count, int excluded) =>
        new(count == 0 ? null : 100.0 * part / count, count, excluded);

    private TurnaroundMetric Turnaround()
    {
        if (_turnarounds is not { Count: > 0 } values)
        {
            return _turnaroundExcluded == 0 && _undecided == 0
                ? TurnaroundMetric.Empty
                : new TurnaroundMetric(null, null, 0, _turnaroundExcluded, 0, _undecided);
        }

        values.Sort();
        ReadOnlySpan<long> sorted = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        return new TurnaroundMetric(
            TimeSpan.FromTicks(Percentiles.Interpolate(sorted, 1, 2)),
            TimeSpan.FromTicks(Percentiles.Interpolate(sorted, 9, 10)),
            values.Count,
            _turnaroundExcluded,
            _timedOut,
            _undecided);
    }
}
