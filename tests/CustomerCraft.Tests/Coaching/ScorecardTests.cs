using CustomerCraft.Coaching;
using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Coaching.CoachingFixtures;

namespace CustomerCraft.Tests.Coaching;

public sealed class ScorecardTests
{
    [Fact]
    public async Task Empathy_counts_negative_customer_messages_that_the_agent_acknowledged()
    {
        using TestHost host = Build();
        Scorecard acknowledged = await host.Coach().ScoreAsync(Chat(C("I've been waiting two weeks, this is terrible"), A("I'm sorry about the wait, let me fix it now.")));
        Scorecard ignored = await host.Coach().ScoreAsync(Chat(C("I've been waiting two weeks, this is terrible"), A("What is your order number?")));
        Scorecard calm = await host.Coach().ScoreAsync(Chat(C("Where is my order?"), A("It ships today.")));

        acknowledged.Criterion("Empathy").Score.Should().Be(1);
        acknowledged.Criterion("Empathy").Evidence.Should().ContainSingle(e => e.Turn == 2 && e.Quote == "I'm sorry");
        acknowledged.Criterion("Empathy").Tip.Should().BeNull();
        ignored.Criterion("Empathy").Score.Should().Be(0);
        ignored.Criterion("Empathy").Evidence.Should().ContainSingle(e => e.Turn == 1 && e.Finding.Contains("not acknowledged"));
        ignored.Criterion("Empathy").Tip.Should().Contain("I've been waiting two weeks").And.Contain("turn 1");
        calm.Criterion("Empathy").Score.Should().BeNull("there was nothing to acknowledge");
    }

    [Fact]
    public async Task Patience_loses_a_third_for_each_dismissive_or_blaming_phrase()
    {
        using TestHost host = Build();
        Scorecard dismissive = await host.Coach().ScoreAsync(Chat(C("It still doesn't work."), A("Please calm down."), C("Can you help?"), A("That's not my department.")));
        Scorecard patient = await host.Coach().ScoreAsync(Chat(C("It still doesn't work."), A("Let's try another way together.")));

        dismissive.Criterion("Patience").Score.Should().BeApproximately(0.3, 1e-9);
        dismissive.Criterion("Patience").Evidence.Select(e => (e.Turn, e.Quote)).Should().Equal((2, "calm down"), (4, "that's not my department"));
        dismissive.Criterion("Patience").Tip.Should().Contain("\"calm down\"");
        patient.Criterion("Patience").Score.Should().Be(1);
        patient.Criterion("Patience").Tip.Should().BeNull();
    }

    [Fact]
    public async Task Clear_communication_rewards_checking_understanding_and_penalises_walls_of_text()
    {
        using TestHost host = Build();
        string wall = string.Join(' ', Enumerable.Repeat("word", 70));
        Scorecard checkedCard = await host.Coach().ScoreAsync(Chat(C("How do I reset it?"), A("Hold the button for five seconds. Does that make sense?")));
        Scorecard unchecked_ = await host.Coach().ScoreAsync(Chat(C("How do I reset it?"), A("Hold the button for five seconds.")));
        Scorecard long_ = await host.Coach().ScoreAsync(Chat(C("How do I reset it?"), A(wall + " Does that help?")));

        checkedCard.Criterion("ClearCommunication").Score.Should().Be(1);
        checkedCard.Criterion("ClearCommunication").Evidence.Should().Contain(e => e.Quote == "does that make sense");
        unchecked_.Criterion("ClearCommunication").Score.Should().BeApproximately(0.6, 1e-9);
        unchecked_.Criterion("ClearCommunication").Tip.Should().Contain("Does that solve it for you?");
        long_.Criterion("ClearCommunication").Score.Should().BeApproximately(0.85, 1e-9);
        long_.Criterion("ClearCommunication").Tip.Should().Contain("73 words");
    }

    [Fact]
    public async Task Reliability_checks_each_promised_follow_up_against_what_was_logged()
    {
        using TestHost host = Build();
        Interaction promise = Chat(C("Can someone check the invoice?"), A("I'll call you back tomorrow with the answer."));
        Scorecard kept = await host.Coach().ScoreAsync(promise with { FollowUpsLogged = ["callback"] });
        Scorecard broken = await host.Coach().ScoreAsync(promise);
        Scorecard none = await host.Coach().ScoreAsync(Chat(C("Thanks"), A("You're welcome.")));

        kept.Criterion("Reliability").Score.Should().Be(1);
        broken.Criterion("Reliability").Score.Should().Be(0);
        broken.Criterion("Reliability").Tip.Should().Contain("call you back").And.Contain("no Callback was logged");
        none.Criterion("Reliability").Score.Should().BeNull();
    }

    [Fact]
    public async Task Responsiveness_compares_the_first_reply_and_each_later_reply_with_its_target()
    {
        using TestHost host = Build();
        Scorecard card = await host.Coach().ScoreAsync(Chat(
            (Speaker.Customer, "Hello, my parcel is lost.", 0),
            (Speaker.Agent, "Hi, let me look.", 30),          // first reply after 30 s: target 1 min, on time
            (Speaker.Customer, "Any news?", 60),
            (Speaker.Agent, "Found it.", 360)));              // 5 min after the question: target 2 min, late

        card.Criterion("Responsiveness").Score.Should().Be(0.5);
        card.Criterion("Responsiveness").Tip.Should().Contain("turn 4").And.Contain("5m 0s").And.Contain("2m 0s");
    }

    [Fact]
    public async Task Positive_attitude_reads_the_customers_mood_from_start_to_end()
    {
        using TestHost host = Build();
        Scorecard turnedAround = await host.Coach().ScoreAsync(Chat(C("This is terrible, I'm angry."), A("I'm sorry, fixing it."), C("Great, thanks!")));
        Scorecard soured = await host.Coach().ScoreAsync(Chat(C("Thanks for picking up."), A("Sure."), C("This is terrible.")));
        Scorecard single = await host.Coach().ScoreAsync(Chat(C("Hi"), A("Hello")));

        // Start -1, end +1: (1 + 1) / 2 + (1 - (-1)) / 2 = 2, clamped to 1.
        turnedAround.Criterion("PositiveAttitude").Score.Should().Be(1);
        // Start +0.5, end -0.5: (-0.5 + 1) / 2 + 0 = 0.25.
        soured.Criterion("PositiveAttitude").Score.Should().BeApproximately(0.25, 1e-9);
        soured.Criterion("PositiveAttitude").Tip.Should().Contain("ended less happy");
        single.Criterion("PositiveAttitude").Score.Should().BeNull();
    }

    [Fact]
    public async Task Knowledge_counts_first_contact_resolution_transfers_and_unanswered_not_knowing()
    {
        using TestHost host = Build();
        Scorecard unsure = await host.Coach().ScoreAsync(Chat(C("Which cable do I need?"), A("I don't know.")) with { ResolvedAtFirstContact = true });
        Scorecard findsOut = await host.Coach().ScoreAsync(Chat(C("Which cable do I need?"), A("I don't know offhand, let me find out.")) with { ResolvedAtFirstContact = true });
        Scorecard transferred = await host.Coach().ScoreAsync(Chat(C("Help"), A("Sure")) with { ResolvedAtFirstContact = false, Transfers = 1 });

        unsure.Criterion("Knowledge").Score.Should().BeApproximately(0.8, 1e-9);
        unsure.Criterion("Knowledge").Tip.Should().Contain("Let me find out for you");
        findsOut.Criterion("Knowledge").Score.Should().Be(1);
        transferred.Criterion("Knowledge").Score.Should().BeApproximately(0.25, 1e-9, "1 - 0.5 (not resolved) - 0.25 (one transfer)");
    }

    [Fact]
    public async Task Rudeness_fails_the_whole_scorecard_whatever_the_other_scores()
    {
        using TestHost host = Build();
        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Where is my refund?"), A("I'm sorry. Honestly, that's not my problem. Does that make sense?")) with { ResolvedAtFirstContact = true });

        card.Passed.Should().BeFalse();
        card.Score.Should().Be(0);
        card.CriticalFailures.Should().ContainSingle().Which.Should().Match<CriticalFailure>(f => f.Item == "Rudeness" && f.Evidence.Turn == 2 && f.Evidence.Quote == "not my problem");
    }

    [Fact]
    public async Task A_promise_beyond_the_agents_authority_fails_the_scorecard_unless_a_grant_covers_it()
    {
        using TestHost host = Build();
        Interaction overPromise = Chat(C("I want my money back."), A("No problem, I'll refund you $500 today."));
        Interaction withinAuthority = Chat(C("I want my money back."), A("No problem, I'll refund you $60 today."));
        Scorecard over = await host.Coach().ScoreAsync(overPromise);
        Scorecard within = await host.Coach().ScoreAsync(withinAuthority);
        GrantRecord approved = (await host.Authority.GrantAsync(PolicyFixtures.Refund(500m, incident: "chat-1", key: "k-500") with { Approver = new ApproverAuthority("tina", "TeamLead") })).Grant!;
        Scorecard covered = await host.Coach().ScoreAsync(overPromise with { Grants = [approved] });

        over.Passed.Should().BeFalse();
        over.CriticalFailures.Should().ContainSingle().Which.Should().Match<CriticalFailure>(f =>
            f.Item == "PromiseBeyondAuthority" && f.Evidence.Turn == 2 && f.Evidence.Finding.Contains("Refund 500 USD") && f.Evidence.Finding.Contains("RequiresApproval"));
        within.CriticalFailures.Should().BeEmpty();
        covered.CriticalFailures.Should().BeEmpty("the promise was approved and granted");
    }

    [Fact]
    public async Task The_overall_score_is_the_weighted_mean_of_the_criteria_that_apply()
    {
        Dictionary<string, string?> settings = Escalation.EscalationFixtures.Ladder();
        settings["CustomerCraft:Coaching:Criteria:Patience:Applicable"] = "false";
        settings["CustomerCraft:Coaching:Criteria:Knowledge:Weight"] = "30";
        using TestHost host = Build(settings);

        Scorecard card = await host.Coach().ScoreAsync(Chat(
            (Speaker.Customer, "Hello", 0),
            (Speaker.Agent, "Hi! Calm down. Does that help?", 10)) with { ResolvedAtFirstContact = true });

        // Applicable with a score: ClearCommunication 1 (weight 15), Responsiveness 1 (15), Knowledge 1 (30).
        // Patience is configured not applicable: its "calm down" does not count.
        card.Criterion("Patience").Score.Should().BeNull();
        card.Criterion("Knowledge").Weight.Should().Be(30);
        card.Score.Should().Be(100);
        card.Passed.Should().BeTrue();
    }

    [Fact]
    public async Task Phrase_lists_from_configuration_replace_the_defaults()
    {
        Dictionary<string, string?> settings = Escalation.EscalationFixtures.Ladder();
        settings["CustomerCraft:Coaching:Phrases:Dismissive:0"] = "per our terms";
        using TestHost host = Build(settings);

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Can I return it?"), A("Per our terms, no. Calm down.")));

        card.Criterion("Patience").Evidence.Select(e => e.Quote).Should().Equal("per our terms");
    }

    [Fact]
    public void Invalid_coaching_settings_fail_at_start_up_with_their_paths()
    {
        Dictionary<string, string?> settings = Escalation.EscalationFixtures.Ladder();
        settings["CustomerCraft:Coaching:Criteria:Charisma:Weight"] = "10";
        settings["CustomerCraft:Coaching:Criteria:Empathy:Weight"] = "-1";
        settings["CustomerCraft:Coaching:Phrases:Rude:0"] = "!!!";
        settings["CustomerCraft:Coaching:Phrases:Actions:Teleport:0"] = "beam";
        settings["CustomerCraft:Coaching:PassingScore"] = "120";
        using TestHost host = Build(settings);

        Action start = () => host.Coach();

        start.Should().Throw<OptionsValidationException>().Which.Failures.Should().Contain(
        [
            "CustomerCraft:Coaching:Criteria:Charisma: 'Charisma' is not a criterion (use Empathy, Patience, ClearCommunication, Reliability, Responsiveness, PositiveAttitude, Knowledge).",
            "CustomerCraft:Coaching:Criteria:Empathy:Weight: -1 must be between 0 and 1000.",
            "CustomerCraft:Coaching:PassingScore: 120 must be between 0 and 100.",
            "CustomerCraft:Coaching:Phrases:Rude:0: '!!!' has no words to match.",
            "CustomerCraft:Coaching:Phrases:Actions:Teleport: 'Teleport' is not an action in Empowerment:Actions.",
        ]);
    }

    [Fact]
    public async Task An_unknown_agent_role_names_the_field()
    {
        using TestHost host = Build();

        Func<Task> score = async () => await host.Coach().ScoreAsync(Chat(C("Hi")) with { AgentRole = "Wizard" });

        (await score.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("interaction.AgentRole");
    }
}
