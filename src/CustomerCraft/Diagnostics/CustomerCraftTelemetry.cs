using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CustomerCraft.Diagnostics;

/// <summary>
/// The library's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named
/// <c>CustomerCraft</c>. Tags carry only low-cardinality values (outcome, configured action
/// names); never amounts or customer, agent or incident ids.
/// </summary>
internal sealed class CustomerCraftTelemetry : IDisposable
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "CustomerCraft";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public CustomerCraftTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Decisions = _meter.CreateCounter<long>("customercraft.empowerment.decisions", "{decision}", "Decisions made, by outcome and action.");
        EvaluationDuration = _meter.CreateHistogram<double>(
            "customercraft.empowerment.evaluation.duration",
            "s",
            "Time to evaluate a resolution request.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.000_001, 0.000_005, 0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05] });
        Grants = _meter.CreateCounter<long>("customercraft.empowerment.grants", "{grant}", "Grant attempts, by result (granted, refused, replayed) and action.");
        Voids = _meter.CreateCounter<long>("customercraft.empowerment.voids", "{grant}", "Grants voided, by action.");
        PolicyReloads = _meter.CreateCounter<long>("customercraft.empowerment.policy.reloads", "{reload}", "Policy reloads, by result (applied, rejected).");
        Transitions = _meter.CreateCounter<long>("customercraft.escalation.transitions", "{transition}", "Case transitions, by trigger and the states before and after.");
        SlaWarnings = _meter.CreateCounter<long>("customercraft.escalation.sla.warnings", "{warning}", "SLA warnings raised, by clock and level.");
        SlaBreaches = _meter.CreateCounter<long>("customercraft.escalation.sla.breaches", "{breach}", "SLA breaches, by clock and level.");
        ApprovalTurnaround = _meter.CreateHistogram<double>(
            "customercraft.escalation.approval.turnaround",
            "s",
            "Time from an approval request to its outcome (approved, rejected, timed_out, withdrawn).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [60, 300, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 86_400, 172_800] });
    }

    public Counter<long> Transitions { get; }

    public Counter<long> SlaWarnings { get; }

    public Counter<long> SlaBreaches { get; }

    public Histogram<double> ApprovalTurnaround { get; }

    public Counter<long> Decisions { get; }

    public Histogram<double> EvaluationDuration { get; }

    public Counter<long> Grants { get; }

    public Counter<long> Voids { get; }

    public Counter<long> PolicyReloads { get; }

    public void Dispose() => _meter.Dispose();
}
