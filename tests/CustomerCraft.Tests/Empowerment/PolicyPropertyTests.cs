using CustomerCraft.Empowerment;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Empowerment;

/// <summary>Invariants of the engine, over generated requests and usage.</summary>
public sealed class PolicyPropertyTests : IDisposable
{
    private static readonly string[] Roles = ["Agent", "SeniorAgent", "TeamLead"];
    private static readonly string[] Segments = ["Platinum", "Gold", "None"];
    private readonly TestHost _host;

    public PolicyPropertyTests()
    {
        Dictionary<string, string?> s = Basic();
        const string R = "CustomerCraft:Empowerment:Roles";
        s[$"{R}:Agent:Limits:Refund:PerCustomer:Amount"] = "300";
        s[$"{R}:Agent:Limits:Refund:PerCustomer:Count"] = "3";
        s[$"{R}:Agent:Limits:Refund:PerCustomer:Window"] = "Rolling";
        s[$"{R}:Agent:Limits:Refund:PerCustomer:Length"] = "30.00:00:00";
        s[$"{R}:SeniorAgent:Limits:Refund:PerCustomer:Amount"] = "800";
        s[$"{R}:SeniorAgent:Limits:Refund:PerCustomer:Count"] = "5";
        s[$"{R}:SeniorAgent:Limits:Refund:PerCustomer:Window"] = "Rolling";
        s[$"{R}:SeniorAgent:Limits:Refund:PerCustomer:Length"] = "30.00:00:00";
        s["CustomerCraft:Empowerment:Conditions:Platinum:When:Attribute"] = "CustomerSegment";
        s["CustomerCraft:Empowerment:Conditions:Platinum:When:In:0"] = "Platinum";
        s["CustomerCraft:Empowerment:Conditions:Platinum:Multiplier"] = "1.5";
        s["CustomerCraft:Empowerment:Conditions:Platinum:Effect"] = "Multiply";
        s["CustomerCraft:Empowerment:Conditions:Chargeback:When:Attribute"] = "ReasonCodes";
        s["CustomerCraft:Empowerment:Conditions:Chargeback:When:In:0"] = "Chargeback";
        s["CustomerCraft:Empowerment:Conditions:Chargeback:Effect"] = "RequireApproval";
        _host = Build(s);

        // Some history, so budgets are partly used for some customers.
        for (int i = 0; i < 12; i++)
        {
            _host.Authority.GrantAsync(Refund(10m * (i + 1), customer: $"C-{i % 4}", incident: $"T-{i % 6}", key: $"seed-{i}")).AsTask().GetAwaiter().GetResult();
        }
    }

    public void Dispose() => _host.Dispose();

    private AuthorityDecision Evaluate(string role, decimal amount, int customer, int incident, int segment, bool chargeback) =>
        _host.Authority.EvaluateAsync(new ResolutionRequest
        {
            AgentId = "prop", Role = role, CustomerId = $"C-{customer}", IncidentId = $"T-{incident}", Action = "Refund",
            Amount = amount, CustomerSegment = Segments[segment], ReasonCodes = chargeback ? ["Chargeback"] : null,
        }).AsTask().GetAwaiter().GetResult();

    private static Gen<decimal> Cents(int max) => Gen.Choose(1, max).Select(c => c / 100m);

    [Property(MaxTest = 300)]
    public Property AllowedAmount_ImpliesEverySmallerAmountIsAllowed() =>
        Prop.ForAll(
            (from amount in Cents(150_000) from role in Gen.Choose(0, 2) from customer in Gen.Choose(0, 5) from incident in Gen.Choose(0, 7) select (amount, role, customer, incident)).ToArbitrary(),
            t =>
            {
                (decimal amount, int role, int customer, int incident) = t;
                int segment = incident % 3;
                bool chargeback = customer == 5;
                AuthorityDecision big = Evaluate(Roles[role], amount, customer, incident, segment, chargeback);
                if (big.Outcome != DecisionOutcome.Allowed)
                {
                    return true;
                }

                decimal smaller = Math.Max(0.01m, decimal.Round(amount * (incident + 1) / 9m, 2, MidpointRounding.ToZero));
                return Evaluate(Roles[role], smaller, customer, incident, segment, chargeback).Outcome == DecisionOutcome.Allowed
                    && Evaluate(Roles[role], 0.01m, customer, incident, segment, chargeback).Outcome == DecisionOutcome.Allowed;
            });

    [Property(MaxTest = 300)]
    public Property HigherRole_NeverGetsAWorseOutcome() =>
        Prop.ForAll(
            (from amount in Cents(150_000) from customer in Gen.Choose(0, 5) from incident in Gen.Choose(0, 7) from segment in Gen.Choose(0, 2) select (amount, customer, incident, segment)).ToArbitrary(),
            t =>
            {
                (decimal amount, int customer, int incident, int segment) = t;
                bool chargeback = incident == 7;
                int[] outcomes = Roles.Select(r => Rank(Evaluate(r, amount, customer, incident, segment, chargeback).Outcome)).ToArray();
                return outcomes[0] >= outcomes[1] && outcomes[1] >= outcomes[2];
            });

    [Property(MaxTest = 200)]
    public Property Headroom_IsExactlyTheLargestAllowedAmount() =>
        Prop.ForAll(
            (from role in Gen.Choose(0, 2) from customer in Gen.Choose(0, 5) from incident in Gen.Choose(0, 7) from segment in Gen.Choose(0, 2) select (role, customer, incident, segment)).ToArbitrary(),
            t =>
            {
                (int role, int customer, int incident, int segment) = t;
                ActionHeadroom headroom = Evaluate(Roles[role], 0.01m, customer, incident, segment, false).GetHeadroom("Refund")!.Value;
                if (!headroom.HasAuthority || headroom.Amount == 0)
                {
                    return Evaluate(Roles[role], 0.01m, customer, incident, segment, false).Outcome != DecisionOutcome.Allowed;
                }

                decimal amount = headroom.Amount!.Value;
                return Evaluate(Roles[role], amount, customer, incident, segment, false).Outcome == DecisionOutcome.Allowed
                    && Evaluate(Roles[role], amount + 0.01m, customer, incident, segment, false).Outcome != DecisionOutcome.Allowed;
            });

    /// <summary>Orders outcomes from best to worst for the requester.</summary>
    private static int Rank(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Allowed => 0,
        DecisionOutcome.RequiresApproval => 1,
        _ => 2,
    };
}
