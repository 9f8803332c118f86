using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Insight;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Insight;

/// <summary>
/// The policy what-if replays a known history, made through the real <see cref="IResolutionAuthority"/>
/// (and, for one request, the case workflow), against an alternative policy. Every expected figure
/// is worked out by hand in the comments.
/// </summary>
public class PolicyWhatIfTests
{
    private const string Roles = "CustomerCraft:Empowerment:Roles";

    /// <summary>
    /// The escalation fixtures' ladder (Agent refunds up to 100 per incident, SeniorAgent 250,
    /// TeamLead 1000, Manager 5000; credits Bot 10, Agent 50) plus an Agent refund budget of 250 per
    /// agent per calendar day, and a rule that denies anything with the reason code FraudSuspected.
    /// </summary>
    private static Dictionary<string, string?> HostPolicy()
    {
        Dictionary<string, string?> settings = EscalationFixtures.Ladder();
        settings[$"{Roles}:Agent:Limits:Refund:PerAgent:Amount"] = "250";
        settings[$"{Roles}:Agent:Limits:Refund:PerAgent:Window"] = "Day";
        settings["CustomerCraft:Empowerment:Conditions:Fraud:When:Attribute"] = "ReasonCodes";
        settings["CustomerCraft:Empowerment:Conditions:Fraud:When:In:0"] = "FraudSuspected";
        settings["CustomerCraft:Empowerment:Conditions:Fraud:Effect"] = "Deny";
        return settings;
    }

    /// <summary>The host policy with the Agent's per-incident refund limit raised from 100 to 200 (the daily budget stays 250).</summary>
    private static Dictionary<string, string?> AgentRefundLimit200()
    {
        Dictionary<string, string?> settings = HostPolicy();
        settings[$"{Roles}:Agent:Limits:Refund:PerIncident:Amount"] = "200";
        return settings;
    }

    private static IConfigurationSection Section(Dictionary<string, string?> settings, string prefix = "") =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(pair => KeyValuePair.Create(prefix + pair.Key, pair.Value)))
            .Build()
            .GetSection(prefix + "CustomerCraft");

    private static IPolicyWhatIf WhatIf(TestHost host) => host.Services.GetRequiredService<IPolicyWhatIf>();

    private static ResolutionRequest Credit(decimal amount, string role = "Agent", string agent = "ana", string customer = "C-1", string incident = "T-1", string? key = null) =>
        Refund(amount, role, agent, customer, incident, key) with { Action = "Credit" };

    /// <summary>
    /// Twelve records on Monday 2 March 2026, ten minutes apart from 10:00 New York time (Ana's
    /// daily refund budget is 250):
    /// <code>
    /// R1  10:00  ana  Refund  80 T-1  Granted (G1)                  ana's day: 80
    /// R2  10:10  ana  Refund 150 T-2  Refused, RequiresApproval (SeniorAgent)
    /// R3  10:20  ana  Refund 150 T-2  Granted under sam (SeniorAgent); charges sam, not ana
    /// R4  10:30  ana  Refund 160 T-3  Refused, RequiresApproval; nobody approves it
    /// R5  10:40  ana  Refund  90 T-4  Granted                       ana's day: 80 + 90 = 170
    /// R6  10:50  void G1                                            ana's day: 90
    /// R7  11:00  ana  Refund  60 T-5  Granted                       ana's day: 150
    /// R8  11:10  ana  Refund 300 T-6  Refused, RequiresApproval (TeamLead); nobody approves it
    /// R9  11:20  ana  Credit  40 T-7  Granted
    /// R10 11:30  ana  Refund  20 T-8  Refused, Denied (FraudSuspected)
    /// R11 11:40  bob  Refund 120 T-9  through the case workflow: RequestApprovalAsync evaluates
    ///                                 (not logged), tina (TeamLead) approves: Granted under tina
    /// R12 11:50  bot-1 (Bot) Credit 5 T-10  Granted
    /// </code>
    /// As it happened, per action and role: Refund/Agent 8 requests (T-1..T-6, T-8, T-9), escalated
    /// T-2, T-3, T-6, T-9 = 4, denied T-8 = 1, spent (80 - 80) + 150 + 90 + 60 + 120 = 420;
    /// Credit/Agent 1 request, 40; Credit/Bot 1 request, 5.
    /// </summary>
    private static async Task<TestHost> HistoryAsync()
    {
        TestHost host = EscalationFixtures.Build(HostPolicy());
        IResolutionAuthority authority = host.Authority;
        void Next() => host.Time.Advance(TimeSpan.FromMinutes(10));

        GrantResult g1 = await authority.GrantAsync(Refund(80m, incident: "T-1", customer: "C-1", key: "R1"));
        g1.IsGranted.Should().BeTrue();
        Next();
        (await authority.GrantAsync(Refund(150m, incident: "T-2", customer: "C-2", key: "R2"))).Decision!.RequiredApproverRole.Should().Be("SeniorAgent");
        Next();
        (await authority.GrantAsync(Refund(150m, incident: "T-2", customer: "C-2", key: "R2") with { Approver = new("sam", "SeniorAgent") })).IsGranted.Should().BeTrue();
        Next();
        (await authority.GrantAsync(Refund(160m, incident: "T-3", customer: "C-3", key: "R4"))).Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        Next();
        (await authority.GrantAsync(Refund(90m, incident: "T-4", customer: "C-4", key: "R5"))).IsGranted.Should().BeTrue();
        Next();
        await authority.VoidAsync(g1.Grant!.GrantId, "Customer kept the item after all.");
        Next();
        (await authority.GrantAsync(Refund(60m, incident: "T-5", customer: "C-5", key: "R7"))).IsGranted.Should().BeTrue();
        Next();
        (await authority.GrantAsync(Refund(300m, incident: "T-6", customer: "C-6", key: "R8"))).Decision!.RequiredApproverRole.Should().Be("TeamLead");
        Next();
        (await authority.GrantAsync(Credit(40m, incident: "T-7", customer: "C-7", key: "R9"))).IsGranted.Should().BeTrue();
        Next();
        (await authority.GrantAsync(Refund(20m, incident: "T-8", customer: "C-8", key: "R10") with { ReasonCodes = ["FraudSuspected"] })).Decision!.Outcome.Should().Be(DecisionOutcome.Denied);
        Next();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync(new OpenCaseRequest { CaseId = "T-9", CustomerId = "C-9", Subject = "Late parcel", Owner = new CaseActor("bob", "Agent") });
        await workflow.RequestApprovalAsync("T-9", Refund(120m, agent: "bob", incident: "T-9", customer: "C-9"));
        (await workflow.ApproveAsync("T-9", EscalationFixtures.Tina)).Grant.Should().NotBeNull();
        Next();
        (await authority.GrantAsync(Credit(5m, role: "Bot", agent: "bot-1", incident: "T-10", customer: "C-10", key: "R12"))).IsGranted.Should().BeTrue();
        return host;
    }

    [Fact]
    public async Task CompareAsync_RaisedAgentLimit_ReportsEscalationsAvoidedBudgetsFillingUpAndVoids()
    {
        using TestHost host = await HistoryAsync();

        WhatIfReport report = await WhatIf(host).CompareAsync(Section(AgentRefundLimit200()));

        // Replayed with the Agent's per-incident refund limit at 200 (ana's daily budget still 250):
        // R1  80 T-1:  allowed, ana's day 80.
        // R2 150 T-2:  150 <= 200 and 80 + 150 = 230 <= 250: allowed now (an escalation avoided), ana's day 230.
        // R3:          the approved grant of T-2 is redundant: not replayed, not counted again.
        // R4 160 T-3:  230 + 160 = 390 > 250: still needs approval. Its budget filled up: without
        //              T-2 in it, 80 + 160 = 240 would have been allowed.
        // R5  90 T-4:  230 + 90 = 320 > 250: needs approval now (a new escalation); was allowed.
        // R6 void G1:  voids the replay's grant of T-1: ana's day 230 - 80 = 150.
        // R7  60 T-5:  150 + 60 = 210 <= 250: allowed, as before.
        // R8 300 T-6:  300 > 200: needs approval (TeamLead), as before; nobody approved it.
        // R10 20 T-8:  denied by the fraud rule, as before.
        // R11 bob 120 T-9: bob's own attempt, 120 <= 200 on bob's empty day: allowed (an escalation avoided).
        // Refund/Agent: escalations 4 -> 3 (T-3, T-4, T-6); denials 1 -> 1;
        //               spend 420 -> (80 - 80) + 150 + 60 + 120 = 330, extra -90 (T-4 now waits for approval).
        report.Rows.Should().BeEquivalentTo(new[] {
            new WhatIfRow { Action = "Credit", Role = "Agent", Requests = 1, SpendBefore = 40m, SpendAfter = 40m },
            new WhatIfRow { Action = "Credit", Role = "Bot", Requests = 1, SpendBefore = 5m, SpendAfter = 5m },
            new WhatIfRow
            {
                Action = "Refund", Role = "Agent", Requests = 8,
                EscalationsBefore = 4, EscalationsAfter = 3,
                DenialsBefore = 1, DenialsAfter = 1,
                SpendBefore = 420m, SpendAfter = 330m,
            } }, o => o.WithStrictOrdering());
        WhatIfRow refunds = report.Rows[2];
        refunds.EscalationsAvoided.Should().Be(1);
        refunds.AdditionalDenials.Should().Be(0);
        refunds.ExtraSpend.Should().Be(-90m);

        // Totals: 10 requests; escalations 4 -> 3; denials 1 -> 1; spend 420 + 40 + 5 = 465 -> 330 + 40 + 5 = 375.
        report.Totals.Should().BeEquivalentTo(new WhatIfFigures
        {
            Requests = 10, EscalationsBefore = 4, EscalationsAfter = 3, DenialsBefore = 1, DenialsAfter = 1, SpendBefore = 465m, SpendAfter = 375m,
        });
        report.Totals.EscalationsAvoided.Should().Be(1);
        report.Totals.ExtraSpend.Should().Be(-90m);
        report.Currency.Should().Be("USD");
        report.RecordsRead.Should().Be(12);
        report.IgnoredVoids.Should().Be(0);
        report.Unreplayable.Should().BeEmpty();
        report.UnreplayableCount.Should().Be(0);
    }

    [Fact]
    public async Task CompareAsync_IdenticalAlternative_HasNoDeltas()
    {
        using TestHost host = await HistoryAsync();

        // The host's own section: the replay makes every decision it made.
        WhatIfReport report = await WhatIf(host).CompareAsync(host.Configuration.GetSection("CustomerCraft"));

        report.Rows.Should().HaveCount(3).And.OnlyContain(row =>
            row.EscalationsAvoided == 0 && row.AdditionalDenials == 0 && row.ExtraSpend == 0m);
        report.Totals.Should().BeEquivalentTo(new WhatIfFigures
        {
            Requests = 10, EscalationsBefore = 4, EscalationsAfter = 4, DenialsBefore = 1, DenialsAfter = 1, SpendBefore = 465m, SpendAfter = 465m,
        });
        report.Unreplayable.Should().BeEmpty();
    }

    [Fact]
    public async Task CompareAsync_ApprovedGrantAfterAnEscalation_IsOneRequest()
    {
        using TestHost host = EscalationFixtures.Build(HostPolicy());
        (await host.Authority.GrantAsync(Refund(150m, key: "k"))).Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        host.Time.Advance(TimeSpan.FromMinutes(5));
        (await host.Authority.GrantAsync(Refund(150m, key: "k") with { Approver = new("sam", "SeniorAgent") })).IsGranted.Should().BeTrue();

        WhatIfReport raised = await WhatIf(host).CompareAsync(Section(AgentRefundLimit200()));
        WhatIfReport same = await WhatIf(host).CompareAsync(host.Configuration.GetSection("CustomerCraft"));

        // Two records, one need. Under 200 ana grants it herself: the approved grant is not replayed,
        // so 150 is spent once (not 300) and one escalation is avoided.
        raised.Rows.Should().BeEquivalentTo(new[] { new WhatIfRow
        {
            Action = "Refund", Role = "Agent", Requests = 1, EscalationsBefore = 1, EscalationsAfter = 0, SpendBefore = 150m, SpendAfter = 150m,
        } }, o => o.WithStrictOrdering());
        raised.RecordsRead.Should().Be(2);

        // Unchanged policy: escalated again, and sam's approval is replayed as sam's grant.
        same.Rows.Should().BeEquivalentTo(new[] { new WhatIfRow
        {
            Action = "Refund", Role = "Agent", Requests = 1, EscalationsBefore = 1, EscalationsAfter = 1, SpendBefore = 150m, SpendAfter = 150m,
        } }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task CompareAsync_RetryGrantedInTheReplay_MakesTheLaterApprovalRedundant()
    {
        using TestHost host = EscalationFixtures.Build(HostPolicy());
        IResolutionAuthority authority = host.Authority;
        GrantResult t1 = await authority.GrantAsync(Refund(80m, incident: "T-1", key: "a"));
        host.Time.Advance(TimeSpan.FromMinutes(10));
        (await authority.GrantAsync(Refund(200m, incident: "T-2", key: "b"))).Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await authority.VoidAsync(t1.Grant!.GrantId, "Wrong order.");
        host.Time.Advance(TimeSpan.FromMinutes(10));
        (await authority.GrantAsync(Refund(200m, incident: "T-2", key: "b"))).Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        (await authority.GrantAsync(Refund(200m, incident: "T-2", key: "b") with { Approver = new("tina", "TeamLead") })).IsGranted.Should().BeTrue();

        WhatIfReport report = await WhatIf(host).CompareAsync(Section(AgentRefundLimit200()));

        // Under 200: T-1 allowed (ana's day 80); T-2's first attempt 80 + 200 = 280 > 250 needs
        // approval; the void frees the day (0); the retry's 200 <= 250 is granted by ana herself;
        // tina's later grant of the same need is then not replayed (it would fit her 1000 per
        // incident, 200 + 200 = 400): 200 spent once, not 400.
        // Before: T-1 (80 - 80) + T-2 200 = 200, both T-2 answers "requires approval" (one escalation).
        // After: the same, T-2 still escalated on its first attempt.
        report.Rows.Should().BeEquivalentTo(new[] { new WhatIfRow
        {
            Action = "Refund", Role = "Agent", Requests = 2, EscalationsBefore = 1, EscalationsAfter = 1, SpendBefore = 200m, SpendAfter = 200m,
        } }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task CompareAsync_VoidOfAnApprovedGrant_VoidsTheReplayedGrantAndReleasesItsBudget()
    {
        using TestHost host = EscalationFixtures.Build(HostPolicy());
        IResolutionAuthority authority = host.Authority;
        (await authority.GrantAsync(Refund(150m, incident: "T-2", key: "a"))).Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        GrantResult approved = await authority.GrantAsync(Refund(150m, incident: "T-2", key: "a") with { Approver = new("sam", "SeniorAgent") });
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await authority.VoidAsync(approved.Grant!.GrantId, "Duplicate ticket.");
        host.Time.Advance(TimeSpan.FromMinutes(10));
        (await authority.GrantAsync(Refund(200m, incident: "T-3", key: "b"))).Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        WhatIfReport report = await WhatIf(host).CompareAsync(Section(AgentRefundLimit200()));

        // Under 200: ana grants T-2 herself (her day: 150); the void of sam's grant voids that
        // replayed grant (her day: 0); then T-3's 200 fits the day's 250 and is allowed. Without
        // the release it would be 150 + 200 = 350 > 250 and need approval.
        // Before: 2 escalations, spend 150 - 150 = 0. After: 0 escalations, spend (150 - 150) + 200 = 200.
        report.Rows.Should().BeEquivalentTo(new[] { new WhatIfRow
        {
            Action = "Refund", Role = "Agent", Requests = 2, EscalationsBefore = 2, EscalationsAfter = 0, SpendBefore = 0m, SpendAfter = 200m,
        } }, o => o.WithStrictOrdering());
        report.Totals.EscalationsAvoided.Should().Be(2);
        report.Totals.ExtraSpend.Should().Be(200m);
    }

    [Fact]
    public async Task CompareAsync_AlternativeWithoutSomeRoles_ListsTheirRecordsAsUnreplayable()
    {
        using TestHost host = await HistoryAsync();
        Dictionary<string, string?> withoutSeniorAgentAndBot = HostPolicy()
            .Where(pair => !pair.Key.StartsWith($"{Roles}:SeniorAgent:", StringComparison.Ordinal) && !pair.Key.StartsWith($"{Roles}:Bot:", StringComparison.Ordinal))
            .ToDictionary();

        WhatIfReport report = await WhatIf(host).CompareAsync(Section(withoutSeniorAgentAndBot));

        // T-2 was approved by a SeniorAgent: its need (R2 and R3) cannot be replayed. R12 was a bot's.
        report.UnreplayableCount.Should().Be(3);
        report.Unreplayable.Select(u => u.Record.Request.IncidentId).Should().Equal("T-2", "T-2", "T-10");
        report.Unreplayable[0].Reason.Should().Contain("Approver role 'SeniorAgent' is not configured");
        report.Unreplayable[1].Reason.Should().Be(report.Unreplayable[0].Reason);
        report.Unreplayable[2].Reason.Should().Contain("Role 'Bot' is not configured");

        // The rest replays as it happened (T-3 now routes to a TeamLead, still one escalation):
        // Refund/Agent 7 requests (T-1, T-3..T-6, T-8, T-9), escalations T-3, T-6, T-9 = 3,
        // spend (80 - 80) + 90 + 60 + 120 = 270 on both sides; T-2's 150 is left out of both.
        report.Rows.Should().BeEquivalentTo(new[] {
            new WhatIfRow { Action = "Credit", Role = "Agent", Requests = 1, SpendBefore = 40m, SpendAfter = 40m },
            new WhatIfRow
            {
                Action = "Refund", Role = "Agent", Requests = 7,
                EscalationsBefore = 3, EscalationsAfter = 3,
                DenialsBefore = 1, DenialsAfter = 1,
                SpendBefore = 270m, SpendAfter = 270m,
            } }, o => o.WithStrictOrdering());
        report.RecordsRead.Should().Be(12);
    }

    [Fact]
    public async Task CompareAsync_InvalidAlternative_ThrowsOptionsValidationExceptionNamingThePath()
    {
        using TestHost host = await HistoryAsync();
        Dictionary<string, string?> invalid = AgentRefundLimit200();
        invalid[$"{Roles}:Agent:Limits:Refund:PerIncident:Amount"] = "-5";

        Func<Task> compare = async () => await WhatIf(host).CompareAsync(Section(invalid, prefix: "WhatIf:"));

        // The alternative's own path, as the host's validation would report it.
        (await compare.Should().ThrowAsync<OptionsValidationException>())
            .Which.Failures.Should().Contain(f => f.StartsWith("WhatIf:CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount: -5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompareAsync_UnknownSettingInTheAlternative_IsReportedWithItsPath()
    {
        using TestHost host = await HistoryAsync();
        Dictionary<string, string?> misspelled = HostPolicy();
        misspelled[$"{Roles}:Agent:Limits:Refund:PerIncident:Ammount"] = "200";

        Func<Task> compare = async () => await WhatIf(host).CompareAsync(Section(misspelled));

        (await compare.Should().ThrowAsync<OptionsValidationException>())
            .Which.Failures.Should().Contain(f => f.StartsWith("CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Ammount:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompareAsync_AlternativeInAnotherCurrency_IsRejected()
    {
        using TestHost host = await HistoryAsync();
        Dictionary<string, string?> euros = HostPolicy();
        euros["CustomerCraft:Empowerment:Currency"] = "EUR";

        Func<Task> compare = async () => await WhatIf(host).CompareAsync(Section(euros));

        (await compare.Should().ThrowAsync<OptionsValidationException>())
            .Which.Failures.Should().ContainSingle().Which.Should().StartWith("CustomerCraft:Empowerment:Currency: 'EUR' differs from the currency of the policy in force (USD)");
    }

    [Fact]
    public async Task CompareAsync_FilteredHistory_ReplaysOnlyTheMatchingRecords()
    {
        using TestHost host = await HistoryAsync();

        WhatIfReport bob = await WhatIf(host).CompareAsync(Section(AgentRefundLimit200()), new WhatIfOptions { Query = new DecisionLogQuery { AgentId = "bob" } });
        WhatIfReport fromR6 = await WhatIf(host).CompareAsync(Section(AgentRefundLimit200()), new WhatIfOptions { Query = new DecisionLogQuery { From = Start.AddMinutes(45) } });

        // Bob's one record: escalated to tina then; within his own authority under 200. Spend 120 both.
        bob.RecordsRead.Should().Be(1);
        bob.Rows.Should().BeEquivalentTo(new[] { new WhatIfRow
        {
            Action = "Refund", Role = "Agent", Requests = 1, EscalationsBefore = 1, EscalationsAfter = 0, SpendBefore = 120m, SpendAfter = 120m,
        } }, o => o.WithStrictOrdering());

        // From 10:45: R6..R12. The void R6 is of a grant made before the range: ignored on both sides.
        // Refund/Agent: T-5 (allowed both), T-6 (escalated both), T-8 (denied both), T-9 (escalated
        // before, allowed after): escalations 2 -> 1, spend 60 + 120 = 180 both.
        fromR6.RecordsRead.Should().Be(7);
        fromR6.IgnoredVoids.Should().Be(1);
        fromR6.Rows.Single(r => r.Action == "Refund").Should().BeEquivalentTo(new WhatIfRow
        {
            Action = "Refund", Role = "Agent", Requests = 4, EscalationsBefore = 2, EscalationsAfter = 1, DenialsBefore = 1, DenialsAfter = 1, SpendBefore = 180m, SpendAfter = 180m,
        });
    }

    [Fact]
    public async Task CompareAsync_LeavesTheHostUntouched()
    {
        using TestHost host = await HistoryAsync();
        var log = (InMemoryDecisionLog)host.Services.GetRequiredService<IDecisionLog>();
        AuthorityDecision before = await host.Authority.EvaluateAsync(Refund(10m, incident: "T-99"));

        await WhatIf(host).CompareAsync(Section(AgentRefundLimit200()));

        // Nothing logged or charged in the host: ana's day still shows 90 + 60 = 150 used.
        log.AppendedCount.Should().Be(12);
        AuthorityDecision after = await host.Authority.EvaluateAsync(Refund(10m, incident: "T-99"));
        after.Reasons.Single(r => r.Limit == LimitKind.AgentAmount).Used.Should().Be(150m);
        after.PolicyVersion.Should().Be(before.PolicyVersion);
    }
}
