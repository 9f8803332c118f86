using System.Globalization;
using CustomerCraft.Coaching;
using CustomerCraft.Escalation;
using CustomerCraft.Insight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Samples.QuickStart;

/// <summary>Scenarios 11 and 12: service metrics over the day's interactions and cases, and a policy what-if.</summary>
internal static class InsightStory
{
    public static async Task RunAsync(IServiceProvider services, TextWriter output, IReadOnlyList<Interaction> interactions)
    {
        ICaseWorkflow cases = services.GetRequiredService<ICaseWorkflow>();
        IReadOnlyList<SupportCase> all = await cases.QueryAsync(new CaseQuery());

        output.WriteLine();
        output.WriteLine("11. Service metrics for the day");
        ServiceMetricsReport report = ServiceMetrics.Compute(interactions, all, MetricsGrouping.Agent);
        ServiceMetricsRow overall = report.Overall;
        output.WriteLine($"   {interactions.Count} interactions, {overall.Cases} case(s)");
        output.WriteLine($"   CSAT {Percent(overall.Csat)} (share of 4 and 5 on 1-5), NPS {Number(overall.Nps, "0")} (9-10 minus 0-6, on 0-10), CES {Number(overall.Ces, "0.0")} (mean ease, 1-7)");
        output.WriteLine($"   First contact resolution {Percent(overall.FirstContactResolution)}, SLA compliance {Percent(overall.SlaCompliance)}, escalation rate {Percent(overall.EscalationRate)}");
        output.WriteLine($"   Approval turnaround: median {Duration(overall.ApprovalTurnaround.Median)}, 90th percentile {Duration(overall.ApprovalTurnaround.Percentile90)} ({overall.ApprovalTurnaround.Count} approval(s)),");
        output.WriteLine("   on the wall clock from request to decision (a weekend included); the SLA clocks above count business hours only");
        // Per agent, the interaction metrics: an agent with no reviewed interaction today has no row.
        foreach (ServiceMetricsRow row in report.Rows.Where(r => r.Interactions > 0))
        {
            output.WriteLine($"   {row.Key,-6} CSAT {Percent(row.Csat),-6} FCR {Percent(row.FirstContactResolution),-6} ({row.Interactions} interaction(s))");
        }

        output.WriteLine();
        output.WriteLine("12. What if agents could refund up to 500 USD an incident and 600 USD a customer?");
        IConfigurationSection alternative = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // A higher role never has less authority, so the senior agents' limit goes up with the agents'.
                ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "500",
                ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = "600",
                ["CustomerCraft:Empowerment:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount"] = "500",
            })
            .Build()
            .GetSection("CustomerCraft");
        WhatIfReport whatIf = await services.GetRequiredService<IPolicyWhatIf>().CompareAsync(alternative);
        output.WriteLine($"   Replayed {whatIf.RecordsRead} logged grant attempts against the changed policy:");
        output.WriteLine($"   {"Action",-12} {"Role",-12} {"Requests",8} {"Escalations",12} {"Avoided",8} {"Denials",8} {"Extra spend",12}");
        foreach (WhatIfRow row in whatIf.Rows)
        {
            output.WriteLine($"   {row.Action,-12} {row.Role,-12} {row.Requests,8} {$"{row.EscalationsBefore} -> {row.EscalationsAfter}",12} {row.EscalationsAvoided,8} {$"{row.DenialsBefore} -> {row.DenialsAfter}",8} {Money(row.ExtraSpend, whatIf.Currency),12}");
        }

        output.WriteLine($"   {"Total",-12} {string.Empty,-12} {whatIf.Totals.Requests,8} {$"{whatIf.Totals.EscalationsBefore} -> {whatIf.Totals.EscalationsAfter}",12} {whatIf.Totals.EscalationsAvoided,8} {$"{whatIf.Totals.DenialsBefore} -> {whatIf.Totals.DenialsAfter}",8} {Money(whatIf.Totals.ExtraSpend, whatIf.Currency),12}");
        output.WriteLine("   Senior agents' per-incident limit rises with the agents' (a higher role never has less authority);");
        output.WriteLine("   only roles that asked for a refund in the log have a row.");
    }

    private static string Percent(MetricValue metric) => metric.Value is { } value ? $"{value.ToString("0", CultureInfo.InvariantCulture)}%" : "n/a";

    private static string Number(MetricValue metric, string format) => metric.Value is { } value ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Duration(TimeSpan? value) =>
        value is not { } span ? "n/a"
        : span.TotalHours >= 2 ? $"{span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h"
        : $"{(int)span.TotalMinutes} min";

    private static string Money(decimal amount, string currency) => $"{amount.ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture)} {currency}";
}
