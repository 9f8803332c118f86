using System.Globalization;
using CustomerCraft.Empowerment;

namespace CustomerCraft.FaultHost;

/// <summary>
/// The load and policy the fault suite runs, shared by the host process and the checks: the same
/// step number always makes the same request, so a restarted host retries what a killed one may
/// have been doing, under the same idempotency keys.
/// </summary>
public static class FaultLoad
{
    public const int Agents = 5;
    public const int Customers = 20;
    public const int Incidents = 60;
    public const decimal IncidentLimit = 100m;
    public const int AgentDailyCount = 60;
    public const decimal CustomerAmountLimit = 250m;

    /// <summary>Every tenth step voids the grant made five steps earlier; every 50th (never a void step) opens a case and has it approved.</summary>
    public static bool IsVoid(int step) => step % 10 == 9;

    public static bool IsApproval(int step) => step % 50 == 24;

    public static string Key(int step) => "k-" + step.ToString(CultureInfo.InvariantCulture);

    public static string Agent(int step) => "agent-" + (step % Agents).ToString(CultureInfo.InvariantCulture);

    public static string Customer(int step) => "customer-" + (step % Customers).ToString(CultureInfo.InvariantCulture);

    public static string Incident(int step) => "incident-" + (step % Incidents).ToString(CultureInfo.InvariantCulture);

    public static decimal Amount(int step) => 5m + (step * 7 % 45);

    /// <summary>The grant of a plain step: a refund from the step's agent for its customer and incident, under the step's key.</summary>
    public static ResolutionRequest GrantRequest(int step) => new()
    {
        AgentId = Agent(step),
        Role = "Agent",
        CustomerId = Customer(step),
        IncidentId = Incident(step),
        Action = "Refund",
        Amount = Amount(step),
        IdempotencyKey = Key(step),
    };

    /// <summary>Approvals have customers of their own, so that a team lead's $400 leaves the agents' customer budgets alone.</summary>
    public static string CaseCustomer(int step) => "vip-" + step.ToString(CultureInfo.InvariantCulture);

    /// <summary>$400 on the case (its own incident): over an agent's authority, so it needs a team lead.</summary>
    public static ResolutionRequest ApprovalRequest(int step) => new()
    {
        AgentId = Agent(step),
        Role = "Agent",
        CustomerId = CaseCustomer(step),
        IncidentId = CaseId(step),
        Action = "Refund",
        Amount = 400m,
    };

    public static string CaseId(int step) => "case-" + step.ToString(CultureInfo.InvariantCulture);

    /// <summary>Agents: 100 per incident (all time), 60 refunds in any 24 hours each, 250 per customer over 30 rolling days; a team lead approves.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["CustomerCraft:Empowerment:Currency"] = "USD",
        ["CustomerCraft:Empowerment:TimeZone"] = "UTC",
        ["CustomerCraft:Empowerment:Actions:Refund:Description"] = "Money back",
        ["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "10",
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = IncidentLimit.ToString(CultureInfo.InvariantCulture),
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerAgent:Count"] = AgentDailyCount.ToString(CultureInfo.InvariantCulture),
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerAgent:Window"] = "Rolling",
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerAgent:Length"] = "1.00:00:00",
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = CustomerAmountLimit.ToString(CultureInfo.InvariantCulture),
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Window"] = "Rolling",
        ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Length"] = "30.00:00:00",
        ["CustomerCraft:Empowerment:Roles:TeamLead:Rank"] = "30",
        ["CustomerCraft:Empowerment:Roles:TeamLead:Limits:Refund:PerIncident:Amount"] = "100000",
        ["CustomerCraft:Escalation:Levels:FrontLine:Level"] = "0",
        ["CustomerCraft:Escalation:Levels:FrontLine:Role"] = "Agent",
        ["CustomerCraft:Escalation:Levels:FrontLine:Targets:Normal:Response"] = "00:30:00",
        ["CustomerCraft:Escalation:Levels:FrontLine:Targets:Normal:Resolution"] = "02:00:00",
        ["CustomerCraft:Escalation:Levels:TeamLead:Level"] = "1",
        ["CustomerCraft:Escalation:Levels:TeamLead:Role"] = "TeamLead",
        ["CustomerCraft:Escalation:Levels:TeamLead:Targets:Normal:Response"] = "00:30:00",
        ["CustomerCraft:Escalation:Levels:TeamLead:Targets:Normal:Resolution"] = "04:00:00",
    };
}
