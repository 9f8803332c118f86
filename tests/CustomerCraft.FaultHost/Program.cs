using System.Globalization;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.FaultHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// A host writing to SQLite that the fault suite kills with SIGKILL mid-load, then starts again on
// the same file. Usage: CustomerCraft.FaultHost <database file> <steps>
// Each acknowledged write is printed (and flushed) only after the library returned it, so the
// suite knows what the host was told was done:
//   GRANT <key> <grant id>   REFUSED <key>   VOID <grant id>   APPROVED <case id> <grant id>
// Every run starts again at step 0: what a killed run already did comes back as replays (the same
// idempotency keys, the same case ids), so a restart retries whatever was in flight.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: CustomerCraft.FaultHost <database file> <steps>");
    return 2;
}

string database = args[0];
int steps = int.Parse(args[1], CultureInfo.InvariantCulture);
var services = new ServiceCollection();
services.AddLogging();
services.AddMetrics();
IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(FaultLoad.Settings()).Build();
services.AddCustomerCraft(configuration.GetSection("CustomerCraft"))
    .AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={database};Default Timeout=60"));
await using ServiceProvider provider = services.BuildServiceProvider();
await provider.MigrateCustomerCraftDatabaseAsync();
IResolutionAuthority authority = provider.GetRequiredService<IResolutionAuthority>();
ICaseWorkflow workflow = provider.GetRequiredService<ICaseWorkflow>();
var lead = new CaseActor("lead-1", "TeamLead");

for (int step = 0; step < steps; step++)
{
    if (FaultLoad.IsVoid(step))
    {
        if (await authority.GrantAsync(FaultLoad.GrantRequest(step - 5)) is { Grant: { } earlier })
        {
            GrantRecord voided = await authority.VoidAsync(earlier.GrantId, "fault suite: customer changed their mind");
            Console.WriteLine($"VOID {voided.GrantId}");
        }

        continue;
    }

    if (FaultLoad.IsApproval(step))
    {
        string caseId = FaultLoad.CaseId(step);
        SupportCase current = await workflow.FindAsync(caseId)
            ?? await workflow.OpenAsync(new OpenCaseRequest { CaseId = caseId, CustomerId = FaultLoad.CaseCustomer(step), Owner = new CaseActor(FaultLoad.Agent(step), "Agent") });
        if (current.State is CaseState.New or CaseState.InProgress && current.History.All(e => e.GrantId is null))
        {
            current = await workflow.RequestApprovalAsync(caseId, FaultLoad.ApprovalRequest(step));
        }

        if (current.State == CaseState.AwaitingApproval)
        {
            try
            {
                ApprovalResult approved = await workflow.ApproveAsync(caseId, lead);
                Console.WriteLine($"APPROVED {caseId} {approved.Grant.GrantId}");
            }
            catch (CaseConcurrencyException)
            {
                // A killed run reserved the approval's grant and died before the case was saved:
                // the attempt counts as abandoned only after a few minutes (CaseWorkflow), and the
                // suite's checks finish it on a clock moved past that.
                Console.WriteLine($"PENDING {caseId}");
            }
        }

        continue;
    }

    GrantResult result = await authority.GrantAsync(FaultLoad.GrantRequest(step));
    Console.WriteLine(result.Grant is { } grant ? $"GRANT {FaultLoad.Key(step)} {grant.GrantId}" : $"REFUSED {FaultLoad.Key(step)}");
}

Console.WriteLine("DONE");
return 0;
