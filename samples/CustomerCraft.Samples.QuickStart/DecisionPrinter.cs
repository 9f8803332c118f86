using System.Globalization;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Samples.QuickStart;

/// <summary>Writes decisions the way an agent console would show them.</summary>
internal sealed class DecisionPrinter(TextWriter output)
{
    public void Title(string title)
    {
        output.WriteLine();
        output.WriteLine(title);
    }

    public void Decision(AuthorityDecision decision, bool showHeadroom = true)
    {
        ResolutionRequest request = decision.Request;
        string outcome = decision.Outcome switch
        {
            DecisionOutcome.Allowed => "ALLOWED",
            DecisionOutcome.RequiresApproval => $"REQUIRES APPROVAL by {decision.RequiredApproverRole}",
            _ => "DENIED",
        };
        output.WriteLine($"   {request.Role} {request.AgentId}: {decision.Action} {QuickStartScenarios.Money(decision.Amount)} for {request.CustomerId} on {request.IncidentId} -> {outcome}");
        foreach (DecisionReason reason in decision.Reasons)
        {
            output.WriteLine($"     {(reason.Passed ? "ok " : "NO ")} {reason.Message}");
            output.WriteLine($"          ({reason.ConfigurationPath})");
        }

        if (showHeadroom)
        {
            output.WriteLine("     Headroom now, without asking anyone:");
            foreach (ActionHeadroom headroom in decision.Headroom)
            {
                string text = !headroom.HasAuthority ? "needs approval"
                    : headroom.Amount == 0 || headroom.Count == 0 ? "used up: needs approval"
                    : headroom.Amount is not decimal amount ? $"no amount limit{(headroom.Count is int left ? $", {left} more grant{(left == 1 ? string.Empty : "s")}" : string.Empty)}"
                    : $"up to {QuickStartScenarios.Money(amount)}{(headroom.Count is int count ? $", {count} more grant{(count == 1 ? string.Empty : "s")}" : string.Empty)}";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"       {headroom.Action,-12} {text}"));
            }
        }
    }

    public void Grant(GrantResult result)
    {
        if (result.Grant is { } grant)
        {
            string by = grant.ApproverId is null ? string.Empty : $" under {grant.ApproverRole} {grant.ApproverId}'s authority";
            output.WriteLine($"   GRANTED {grant.Action} {QuickStartScenarios.Money(grant.Amount)} as grant {grant.GrantId}{by}{(result.IsReplay ? " (replay)" : string.Empty)}");
        }
        else
        {
            output.WriteLine($"   NOT GRANTED: {result.Decision!.Outcome}");
        }
    }
}
