using System.Globalization;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Samples.QuickStart;

/// <summary>
/// Scenario 8: a refund over the agent's limit goes to the team-lead queue late on a Friday, the
/// team lead is slow, the SLA warns (in business hours, so over the weekend nothing ticks), then
/// breaches on Monday morning and the approval moves to a manager, who approves; the case comes
/// back to the agent who owns the customer, who resolves it. Then the timeline.
/// </summary>
internal static class EscalationStory
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static async Task RunAsync(IServiceProvider services, TextWriter output)
    {
        ICaseWorkflow workflow = services.GetRequiredService<ICaseWorkflow>();
        var clock = services.GetRequiredService<TimeProvider>() as SimulatedClock
            ?? throw new InvalidOperationException("The quick start's escalation story runs on its SimulatedClock; register it as the TimeProvider.");
        var ana = new CaseActor("ana", "Agent");
        var maya = new CaseActor("maya", "Manager");

        output.WriteLine();
        output.WriteLine("8. Escalation: over the agent's limit, a slow team lead, the SLA breaches, a manager approves");
        clock.MoveTo(Local(2026, 11, 20, 17, 40));
        await workflow.OpenAsync(new OpenCaseRequest
        {
            CaseId = "T-801", CustomerId = "C-4004", Subject = "Espresso machine leaks", Owner = ana,
            Note = "Second machine in a month; customer wants her money back, not another replacement.",
        });
        SupportCase awaiting = await workflow.RequestApprovalAsync("T-801", new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = "C-4004", IncidentId = "T-801",
            Action = "Refund", Amount = 400m,
        }, "Full refund of 400 USD; beyond my 100 USD.");
        output.WriteLine($"   {Time(clock)}  Ana asks for approval -> {awaiting.State} at level {awaiting.Level} (the TeamLead queue); approval due {Time(awaiting.Timers.First(t => t.Kind == SlaTimerKind.Approval).DueAt!.Value)}");

        // The escalation monitor (CustomerCraft.Hosting) would call ProcessDueAsync every 30 seconds.
        foreach (DateTimeOffset instant in new[] { Local(2026, 11, 20, 18, 30), Local(2026, 11, 23, 9, 5), Local(2026, 11, 23, 9, 15) })
        {
            clock.MoveTo(instant);
            SlaProcessingResult result = await workflow.ProcessDueAsync();
            SupportCase now = (await workflow.FindAsync("T-801"))!;
            output.WriteLine($"   {Time(clock)}  deadlines processed: {result.Warnings} warning(s), {result.Breaches} breach(es) -> {now.State} at level {now.Level}");
        }

        clock.MoveTo(Local(2026, 11, 23, 9, 30));
        ApprovalResult approved = await workflow.ApproveAsync("T-801", maya, "Approved: two faulty machines is enough.");
        output.WriteLine($"   {Time(clock)}  Maya approves -> grant {approved.Grant.GrantId} under {approved.Grant.ApproverRole} authority; the case is back with {approved.Case.Handler!.Id}");

        clock.MoveTo(Local(2026, 11, 23, 9, 45));
        SupportCase resolved = await workflow.ResolveAsync("T-801", ana, "Called the customer: refund of 400 USD on its way.");
        output.WriteLine($"   {Time(clock)}  Ana resolves the case -> {resolved.State}");

        output.WriteLine("   Timeline (what anyone picking up the case reads):");
        foreach (CaseEvent entry in resolved.History)
        {
            string what = entry.Kind == CaseEventKind.Transition ? entry.Trigger!.Value.ToString() : entry.Kind.ToString();
            string who = entry.Actor?.Id ?? "sla";
            string text = string.Join(" | ", new[] { entry.Detail is { } detail ? Shorten(detail) : null, entry.Note }.Where(s => s is not null));
            output.WriteLine($"   {entry.Sequence,2}. {Time(entry.At)}  {what,-15} {who,-5} L{entry.Level}  {text}");
        }
    }

    /// <summary>
    /// A timeline line fits a terminal: the decision summary behind a request lists every reason and
    /// can run to 300 characters; its first clause ("RequiresApproval by TeamLead: Refund 400 USD")
    /// says what was asked, and the case keeps the rest.
    /// </summary>
    private static string Shorten(string text) =>
        text.Length <= 100 ? text
        : text.IndexOf("; ", StringComparison.Ordinal) is > 0 and var clause ? string.Concat(text.AsSpan(0, clause), "; …")
        : string.Concat(text.AsSpan(0, 99), "…");

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, NewYork.GetUtcOffset(local));
    }

    private static string Time(TimeProvider clock) => Time(clock.GetUtcNow());

    private static string Time(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, NewYork).ToString("ddd HH:mm:ss", CultureInfo.InvariantCulture);
}
