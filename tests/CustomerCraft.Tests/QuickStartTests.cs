using CustomerCraft.Samples.QuickStart;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Tests;

public class QuickStartTests
{
    [Fact]
    public async Task QuickStart_RunsToCompletion_WithTheOutcomesItPromises()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new SimulatedClock(QuickStartScenarios.Start));
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        using var output = new StringWriter();

        await QuickStartScenarios.RunAsync(provider, output);

        string text = output.ToString();
        text.Should().Contain("Refund $60 for C-1001 on T-501 -> ALLOWED");
        text.Should().Contain("Goodwill $1,800 for C-1001 on T-502 -> ALLOWED");
        text.Should().Contain("Refund $400 for C-1001 on T-503 -> REQUIRES APPROVAL by TeamLead");
        text.Should().Contain("under TeamLead tara's authority");
        text.Should().Contain("-> DENIED").And.Contain("Condition 'FraudSuspected'");
        text.Should().Contain("Refund $20 for C-2002 on T-604 -> REQUIRES APPROVAL by SeniorAgent");
        text.Should().Contain("Refund $140 for C-3003 on T-701 -> ALLOWED");
        text.Should().Contain("same key, same request -> replayed");
        text.Should().Contain("IdempotencyConflictException");
        text.Should().Contain("refunds on T-501 after the retry: $60 of $100 used (charged once)");
        text.Should().Contain("Fri 17:40:00  Ana asks for approval -> AwaitingApproval at level 1 (the TeamLead queue); approval due Mon 09:10:00");
        text.Should().Contain("Fri 17:55:00  SlaWarning      sla   L1  Approval clock at level TeamLead (00:30:00 business hours): 50% of the target used");
        text.Should().Contain("Mon 09:02:30  SlaWarning");
        text.Should().Contain("Mon 09:10:00  SlaBreach       sla   L1  Approval clock at level TeamLead (00:30:00 business hours): target breached; the approval moves up");
        text.Should().Contain("Mon 09:15:00  deadlines processed: 0 warning(s), 1 breach(es) -> AwaitingApproval at level 2");
        text.Should().Contain("under Manager authority; the case is back with ana");
        text.Should().Contain("Mon 09:45:00  Resolve         ana   L0  Called the customer: refund of $400 on its way.");
        text.Should().Contain("Overall (of 100)         0!    100");
        text.Should().Contain("Paul, critical: PromiseBeyondAuthority in turn 4: promised Credit 300 USD");
        text.Should().Contain("tip: Instead of \"calm down\"");
        text.Should().Contain("nudge (OfferWithinAuthority): The customer's refund of 60 USD is within your authority");
        text.Should().Contain("CSAT 50% (share of 4 and 5 on 1-5), NPS 25 (9-10 minus 0-6, on 0-10), CES 5.0 (mean ease, 1-7)");
        text.Should().Contain("First contact resolution 75%");
        text.Should().MatchRegex(@"Refund\s+Agent\s+7\s+2 -> 0\s+2\s+0 -> 0\s+0 USD");
    }
}
