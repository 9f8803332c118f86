using System.Globalization;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Samples.QuickStart;

/// <summary>The quick start's scenarios, runnable from the sample and from the tests.</summary>
public static class QuickStartScenarios
{
    /// <summary>Where the quick start's clock starts: Friday 2026-11-20, 17:30 in New York.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 22, 30, 0, TimeSpan.Zero);

    /// <summary>Runs every scenario against the given container and writes what happens.</summary>
    public static async Task RunAsync(IServiceProvider services, TextWriter output)
    {
        IResolutionAuthority authority = services.GetRequiredService<IResolutionAuthority>();
        var print = new DecisionPrinter(output);
        output.WriteLine("CustomerCraft quick start: twelve support scenarios on a simulated clock (Friday 20 November 2026, 17:30 in New York)");

        print.Title("1. Within authority: an agent refunds a late delivery");
        var lateDelivery = new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = "C-1001", IncidentId = "T-501",
            Action = "Refund", Amount = 60m, ReasonCodes = ["LateDelivery"],
            IdempotencyKey = "T-501/refund/1",
        };
        print.Decision(await authority.EvaluateAsync(lateDelivery));
        GrantResult granted = await authority.GrantAsync(lateDelivery);
        print.Grant(granted);

        print.Title("2. The Ritz-Carlton rule: 1800 USD of goodwill, no one asked");
        print.Decision(await authority.EvaluateAsync(new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = "C-1001", IncidentId = "T-502",
            Action = "Goodwill", Amount = 1800m, ReasonCodes = ["RuinedAnniversary"],
        }), showHeadroom: false);

        print.Title("3. Over the agent's authority: a 400 USD refund needs a team lead");
        var bigRefund = new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = "C-1001", IncidentId = "T-503",
            Action = "Refund", Amount = 400m, IdempotencyKey = "T-503/refund/1",
        };
        AuthorityDecision needsApproval = await authority.EvaluateAsync(bigRefund);
        print.Decision(needsApproval, showHeadroom: false);
        output.WriteLine($"   -> Tara, a {needsApproval.RequiredApproverRole}, approves; the grant is made under her authority:");
        print.Grant(await authority.GrantAsync(bigRefund with { Approver = new ApproverAuthority("tara", "TeamLead") }));

        print.Title("4. Denied: a reason code that no role may override");
        print.Decision(await authority.EvaluateAsync(new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = "C-6666", IncidentId = "T-504",
            Action = "Refund", Amount = 30m, ReasonCodes = ["FraudSuspected"],
        }), showHeadroom: false);

        print.Title("5. Budget exhausted: three refunds for one customer in 30 days, then a fourth");
        for (int i = 1; i <= 3; i++)
        {
            GrantResult result = await authority.GrantAsync(new ResolutionRequest
            {
                AgentId = "ben", Role = "Agent", CustomerId = "C-2002", IncidentId = $"T-60{i}",
                Action = "Refund", Amount = 80m, IdempotencyKey = $"T-60{i}/refund/1",
            });
            output.WriteLine($"   grant {i}: {Money(80m)} refund on T-60{i} -> {(result.IsGranted ? "granted" : result.Decision!.Outcome.ToString())}");
        }

        print.Decision(await authority.EvaluateAsync(new ResolutionRequest
        {
            AgentId = "ben", Role = "Agent", CustomerId = "C-2002", IncidentId = "T-604",
            Action = "Refund", Amount = 20m,
        }));

        print.Title("6. A platinum customer: limits x1.5, so 140 USD is within the agent's 100 USD limit");
        print.Decision(await authority.EvaluateAsync(new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = "C-3003", IncidentId = "T-701",
            Action = "Refund", Amount = 140m, CustomerSegment = "Platinum",
        }), showHeadroom: false);

        print.Title("7. An idempotent retry: the network failed, the agent clicked again");
        GrantResult retry = await authority.GrantAsync(lateDelivery);
        output.WriteLine($"   same key, same request -> {(retry.IsReplay ? "replayed" : "charged again!")}: grant {retry.Grant!.GrantId}, the first grant was {granted.Grant!.GrantId}");
        try
        {
            await authority.GrantAsync(new ResolutionRequest
            {
                AgentId = "ana", Role = "Agent", CustomerId = "C-1001", IncidentId = "T-501",
                Action = "Refund", Amount = 90m, IdempotencyKey = "T-501/refund/1",
            });
        }
        catch (IdempotencyConflictException ex)
        {
            output.WriteLine($"   same key, different amount -> {ex.GetType().Name}: {ex.Message}");
        }

        AuthorityDecision after = await authority.EvaluateAsync(lateDelivery);
        DecisionReason incident = after.Reasons.First(r => r.Limit == LimitKind.IncidentAmount);
        output.WriteLine($"   refunds on T-501 after the retry: {Money(incident.Used!.Value)} of {Money(incident.LimitValue!.Value)} used (charged once)");

        await EscalationStory.RunAsync(services, output);
        IReadOnlyList<Coaching.Interaction> interactions = await CoachingStory.RunAsync(services, output);
        await InsightStory.RunAsync(services, output, interactions);
        output.WriteLine();
    }

    /// <summary>Money as the library's reasons write it ("100 USD"), so one run reads one way.</summary>
    internal static string Money(decimal amount) => $"{amount.ToString("0.##", CultureInfo.InvariantCulture)} USD";
}
