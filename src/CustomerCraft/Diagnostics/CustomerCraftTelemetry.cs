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
    }

    public Counter<long> Decisions { get; }

    public Histogram<double> EvaluationDuration { get; }

    public Counter<long> Grants { get; }

    public Counter<long> Voids { get; }

    public Counter<long> PolicyReloads { get; }

    public void Dispose() => _meter.Dispose();
}
