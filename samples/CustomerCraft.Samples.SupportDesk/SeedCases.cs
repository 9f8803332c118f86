using CustomerCraft.Escalation;

namespace CustomerCraft.Samples.SupportDesk;

/// <summary>A few open cases for the seeded agents, so the console has something to work on.</summary>
internal static class SeedCases
{
    public static async Task EnsureAsync(IServiceProvider services)
    {
        ICaseWorkflow workflow = services.GetRequiredService<ICaseWorkflow>();
        if ((await workflow.QueryAsync(new CaseQuery { Limit = 1 })).Count > 0)
        {
            return;
        }

        (string Id, string Customer, string Subject, CasePriority Priority, string Owner, string Role)[] seeds =
        [
            ("SD-1001", "C-1001", "Parcel arrived two weeks late", CasePriority.Normal, "ana", "Agent"),
            ("SD-1002", "C-2002", "Espresso machine leaks, second one this month", CasePriority.High, "ana", "Agent"),
            ("SD-1003", "C-3003", "Charged twice for one order", CasePriority.Normal, "ben", "Agent"),
            ("SD-1004", "C-4004", "Wrong size delivered for a wedding", CasePriority.Urgent, "sam", "SeniorAgent"),
        ];
        foreach ((string id, string customer, string subject, CasePriority priority, string owner, string role) in seeds)
        {
            await workflow.OpenAsync(new OpenCaseRequest { CaseId = id, CustomerId = customer, Subject = subject, Priority = priority, Owner = new CaseActor(owner, role) });
        }
    }
}
