using CustomerCraft.Escalation;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.Tests.Escalation;

/// <summary>A ladder over the basic empowerment policy: front line (Agent), TeamLead, Manager.</summary>
internal static class EscalationFixtures
{
    public static readonly CaseActor Ana = new("ana", "Agent");
    public static readonly CaseActor Ben = new("ben", "Agent");
    public static readonly CaseActor Sam = new("sam", "SeniorAgent");
    public static readonly CaseActor Tina = new("tina", "TeamLead");
    public static readonly CaseActor Tom = new("tom", "TeamLead");
    public static readonly CaseActor Mia = new("mia", "Manager");

    /// <summary>
    /// Calendar-time targets for Normal priority: front line respond 1h / resolve 8h; TeamLead
    /// respond 30m / resolve 4h, approvals time out after 2h and move up; Manager respond 1h /
    /// resolve 8h, approvals time out after 4h and are denied.
    /// </summary>
    public static Dictionary<string, string?> Ladder()
    {
        Dictionary<string, string?> settings = PolicyFixtures.Basic();
        settings["CustomerCraft:Empowerment:Roles:Manager:Rank"] = "40";
        settings["CustomerCraft:Empowerment:Roles:Manager:Limits:Refund:PerIncident:Amount"] = "5000";
        settings["CustomerCraft:Empowerment:Roles:Manager:Limits:Credit:PerIncident:Amount"] = "2000";
        const string L = "CustomerCraft:Escalation:Levels";
        settings[$"{L}:FrontLine:Level"] = "0";
        settings[$"{L}:FrontLine:Role"] = "Agent";
        settings[$"{L}:FrontLine:Targets:Normal:Response"] = "01:00:00";
        settings[$"{L}:FrontLine:Targets:Normal:Resolution"] = "08:00:00";
        settings[$"{L}:TeamLead:Level"] = "1";
        settings[$"{L}:TeamLead:Role"] = "TeamLead";
        settings[$"{L}:TeamLead:Targets:Normal:Response"] = "00:30:00";
        settings[$"{L}:TeamLead:Targets:Normal:Resolution"] = "04:00:00";
        settings[$"{L}:TeamLead:ApprovalTimeout"] = "02:00:00";
        settings[$"{L}:TeamLead:OnApprovalTimeout"] = "Reroute";
        settings[$"{L}:Manager:Level"] = "2";
        settings[$"{L}:Manager:Role"] = "Manager";
        settings[$"{L}:Manager:Targets:Normal:Response"] = "01:00:00";
        settings[$"{L}:Manager:Targets:Normal:Resolution"] = "08:00:00";
        settings[$"{L}:Manager:ApprovalTimeout"] = "04:00:00";
        settings[$"{L}:Manager:OnApprovalTimeout"] = "Deny";
        return settings;
    }

    public static TestHost Build(IDictionary<string, string?>? settings = null, Action<ICustomerCraftBuilder>? configure = null, FakeTimeProvider? time = null) =>
        PolicyFixtures.Build(settings ?? Ladder(), configure, time);

    public static ICaseWorkflow Workflow(this TestHost host) => host.Services.GetRequiredService<ICaseWorkflow>();

    public static ICaseStore Store(this TestHost host) => host.Services.GetRequiredService<ICaseStore>();

    /// <summary>Opens a case owned by Ana for customer C-1.</summary>
    public static ValueTask<SupportCase> OpenAsync(this ICaseWorkflow workflow, string id = "case-1", CasePriority priority = CasePriority.Normal, CaseActor? owner = null) =>
        workflow.OpenAsync(new OpenCaseRequest { CaseId = id, CustomerId = "C-1", Subject = "Broken blender", Priority = priority, Owner = owner ?? Ana, Note = "Blender stopped after a week." });

    /// <summary>Opens a case and sends Ana's refund of <paramref name="amount"/> for approval.</summary>
    public static async ValueTask<SupportCase> AwaitingApprovalAsync(this ICaseWorkflow workflow, decimal amount = 150m, string id = "case-1")
    {
        await workflow.OpenAsync(id);
        return await workflow.RequestApprovalAsync(id, PolicyFixtures.Refund(amount, incident: id), "Customer wants a full refund.");
    }
}
