using CustomerCraft.Coaching;
using CustomerCraft.Coaching.Scoring;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Coaching.CoachingFixtures;

namespace CustomerCraft.Tests.Coaching;

/// <summary>Support lines that look like a detector's signal but are not (found in review), and the ones that are.</summary>
public sealed class DetectorEdgeCaseTests
{
    [Theory]
    [InlineData("I'll need to get approval for the $300 refund.")]
    [InlineData("Let me ask my supervisor about a $300 refund.")]
    [InlineData("I will not be able to refund $300.")]
    [InlineData("I can see your credit card was charged $300.")]
    [InlineData("I can refund the $20 shipping fee on your $400 order.")]
    public async Task Lines_that_are_not_a_promise_beyond_authority_do_not_fail_the_scorecard(string line)
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("I want my money back."), A(line)));

        card.CriticalFailures.Should().BeEmpty();
    }

    [Theory]
    [InlineData("I can give you a $300 credit for the trouble.", "Credit 300")]
    [InlineData("Sure, I'll refund you 500 dollars today.", "Refund 500")]
    [InlineData("We will refund €1.200,50 right away.", "Refund 1200.5")]
    public async Task Real_promises_beyond_authority_are_caught_with_the_amount_next_to_the_action(string line, string promised)
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("I want my money back."), A(line)));

        card.CriticalFailures.Should().ContainSingle().Which.Evidence.Finding.Should().Contain($"promised {promised} USD");
    }

    [Theory]
    [InlineData("€12,50", 12.50)]
    [InlineData("$1,200.50", 1200.50)]
    [InlineData("€1.200,50", 1200.50)]
    [InlineData("150 dollars", 150)]
    [InlineData("USD 75", 75)]
    public void Amounts_are_read_with_either_decimal_separator(string text, double expected) =>
        TextTokens.LargestAmount($"That comes to {text} in total.").Should().Be((decimal)expected);

    [Fact]
    public void Numbers_without_a_currency_are_not_amounts() =>
        TextTokens.LargestAmount("It takes 2 days and 20% of orders are late.").Should().BeNull();

    [Fact]
    public async Task A_phrase_in_quotes_is_still_found_and_inner_apostrophes_stay_in_their_word()
    {
        using TestHost host = Build();

        Scorecard quoted = await host.Coach().ScoreAsync(Chat(C("It broke."), A("Honestly, 'calm down' is all I can say.")));
        Scorecard curly = await host.Coach().ScoreAsync(Chat(C("It broke."), A("That\u2019s not my department.")));

        quoted.Criterion("Patience").Evidence.Select(e => e.Quote).Should().Equal("calm down");
        curly.Criterion("Patience").Evidence.Select(e => e.Quote).Should().Equal("that's not my department");
    }

    [Fact]
    public async Task Ordinary_phrases_that_contain_a_listed_phrase_are_not_flagged()
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Where is my order?"), A("Leave it with me and I'll deal with it right away. You should have received a confirmation email.")));

        card.CriticalFailures.Should().BeEmpty();
        card.Criterion("Patience").Score.Should().Be(1);
    }

    [Fact]
    public async Task A_transcript_the_agent_never_answered_does_not_pass()
    {
        using TestHost host = Build();

        Scorecard unanswered = await host.Coach().ScoreAsync(Chat(C("Hello?"), C("Anyone there?"), C("Hello??")));
        Scorecard empty = await host.Coach().ScoreAsync(Chat(Array.Empty<(Speaker, string)>()));

        unanswered.Passed.Should().BeFalse();
        unanswered.Criterion("Responsiveness").Score.Should().Be(0);
        unanswered.Criterion("Patience").Score.Should().BeNull();
        unanswered.Criterion("Knowledge").Score.Should().BeNull();
        empty.Passed.Should().BeFalse();
        empty.Score.Should().Be(0);
    }

    [Fact]
    public async Task Finding_out_in_the_agents_next_message_after_the_customer_answers_counts()
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Which cable do I need?"), A("I don't know."), C("Can you find out?"), A("Let me check.")) with { ResolvedAtFirstContact = true });

        card.Criterion("Knowledge").Score.Should().Be(1);
    }

    [Fact]
    public async Task The_escalators_own_grants_and_voided_grants_do_not_count()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        // Ana refunds 20 herself, escalates, and the team lead settles with 600: not avoidable.
        await workflow.OpenAsync("esc-1");
        await host.Authority.GrantAsync(PolicyFixtures.Refund(20m, incident: "esc-1", key: "ana-20"));
        await workflow.EscalateAsync("esc-1", EscalationFixtures.Ana, EscalationReason.AuthorityExceeded);
        await host.Authority.GrantAsync(PolicyFixtures.Refund(600m, incident: "esc-1", key: "tina-600") with { AgentId = "tina", Role = "TeamLead" });
        // Ana's 80 refund elsewhere is voided: it was never really given.
        GrantRecord voided = (await host.Authority.GrantAsync(PolicyFixtures.Refund(80m, incident: "other", key: "ana-80"))).Grant!;
        await host.Authority.VoidAsync(voided.GrantId, "entered by mistake");

        EmpowermentCoachingReport report = await host.Services.GetRequiredService<IEmpowermentCoach>().AnalyzeAsync(await workflow.QueryAsync(new CaseQuery()));

        AgentEmpowerment ana = report.Agents.Single(a => a.Id == "ana");
        (ana.Escalations, ana.AvoidableEscalations, ana.OwnGrants, ana.OwnGrantedAmount).Should().Be((1, 0, 1, 20m));
        ana.AuthorityUsed.Should().BeApproximately(0.2, 1e-9);
    }
}
