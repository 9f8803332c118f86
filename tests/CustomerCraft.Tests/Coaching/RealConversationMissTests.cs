using CustomerCraft.Coaching;
using CustomerCraft.Coaching.Scoring;
using CustomerCraft.Coaching.Sentiment;
using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using static CustomerCraft.Tests.Coaching.CoachingFixtures;

namespace CustomerCraft.Tests.Coaching;

/// <summary>
/// The misses issue 13 quotes from real support conversations, one regression test each: the
/// lines are the issue's, the detectors run with the built-in (VADER) analyzer.
/// </summary>
public sealed class RealConversationMissTests
{
    private static readonly LexiconSentimentAnalyzer Vader = new();

    [Theory]
    [InlineData("I never received my boots.", "never received")]
    [InlineData("How dare you issue me a code that does not work!", "how dare")]
    [InlineData("still waiting for my refund", "still waiting")]
    [InlineData("I have been charged twice", "charged twice")]
    [InlineData("freezes every five minutes! Love the new update!!!!", "freezes")]
    [InlineData("thanks for nothing", "thanks for nothing")]
    [InlineData("This fucking app logged me out again", "fucking")]
    [InlineData("Where is my order 😡", "😡")]
    [InlineData("Another delay, of course 🙄", "🙄")]
    [InlineData("This is ridiculous, I am furious", "ridiculous")]
    public async Task A_complaint_a_team_lead_would_flag_counts_as_frustrated_with_its_cue(string line, string cue)
    {
        TurnAnalysis turn = await Customer(line);

        turn.Frustration.IsFrustrated.Should().BeTrue();
        turn.Frustration.Cues.Should().Contain(cue);
    }

    [Theory]
    [InlineData("it was my error i think")]
    [InlineData("Nope. Have a nice day.")]
    [InlineData("No problem, have a nice day!")]
    [InlineData("Thanks, that fixed it!")]
    [InlineData("Where is my order?")]
    [InlineData("It's not broken anymore, thank you")]
    [InlineData("That was fucking awesome, thank you so much!")]
    public async Task Self_blame_polite_closings_and_plain_questions_are_not_frustrated(string line)
    {
        TurnAnalysis turn = await Customer(line);

        turn.Frustration.IsFrustrated.Should().BeFalse();
    }

    [Fact]
    public async Task A_negative_sentence_next_to_a_polite_closing_still_counts()
    {
        TurnAnalysis turn = await Customer("This service is horrible. Have a nice day.");

        turn.Frustration.IsFrustrated.Should().BeTrue();
        turn.Frustration.Cues.Should().Contain("horrible");
    }

    [Fact]
    public async Task An_analyzer_that_names_no_words_still_gates_on_its_score()
    {
        TurnAnalysis turn = await TurnAnalysis.AnalyzeAsync(new Turn(Speaker.Customer, "terrible", PolicyFixtures.Start), 0, CoachingPolicy.Default, new KeywordSentiment(), CancellationToken.None);

        turn.Frustration.IsFrustrated.Should().BeTrue();
        turn.Frustration.Cues.Should().ContainSingle().Which.Should().Be("sentiment -0.50");
    }

    [Theory]
    [InlineData("This is ridiculous, I am furious", "how frustrated you are")]
    [InlineData("still waiting for my refund", "sorry about the wait")]
    [InlineData("I have been charged twice", "sorry about that charge")]
    [InlineData("The app keeps crashing", "sorry it's not working")]
    public async Task The_empathy_tip_answers_what_the_customer_is_upset_about(string line, string tip)
    {
        using TestHost host = Build(realSentiment: true);

        Scorecard card = await host.Coach().ScoreAsync(Chat(C(line), A("What is your account number?")));

        card.Criterion("Empathy").Tip.Should().Contain(tip);
        if (!tip.Contains("wait", StringComparison.Ordinal))
        {
            card.Criterion("Empathy").Tip.Should().NotContain("wait");
        }
    }

    [Fact]
    public async Task Customer_lines_in_a_row_are_one_block_answered_by_the_agents_reply()
    {
        using TestHost host = Build(realSentiment: true);

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("My order never arrived."), C("Order 1234."), A("Very sorry to hear this, let me check."), C("ok")));

        card.Criterion("Empathy").Score.Should().Be(1);
        card.Criterion("Empathy").Evidence.Should().ContainSingle(e => e.Turn == 3 && e.Finding.Contains("turn 1"));
    }

    [Fact]
    public async Task A_block_left_unacknowledged_is_one_miss_named_at_its_upset_line()
    {
        using TestHost host = Build(realSentiment: true);

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("hello"), C("I have been charged twice"), C("for the same order"), A("What is the order number?")));

        card.Criterion("Empathy").Score.Should().Be(0);
        card.Criterion("Empathy").Evidence.Should().ContainSingle(e => e.Turn == 2 && e.Finding.Contains("charged twice"));
    }

    [Theory]
    [InlineData("Oh no, let me look into that.")]
    [InlineData("I do apologize for that.")]
    [InlineData("We're sorry for the trouble.")]
    [InlineData("Very sorry to hear this.")]
    [InlineData("That definitely shouldn't be happening.")]
    public async Task Common_acknowledgements_count(string reply)
    {
        using TestHost host = Build(realSentiment: true);

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("I never received my boots."), A(reply)));

        card.Criterion("Empathy").Score.Should().Be(1);
    }

    [Theory]
    [InlineData("Can I help you with anything else?")]
    [InlineData("Will that be all?")]
    [InlineData("Just to verify, the new card arrives on Friday, is that right?")]
    public async Task Common_checks_of_understanding_count(string line)
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Can you send a new card?"), A(line)));

        card.Criterion("ClearCommunication").Score.Should().Be(1);
    }

    [Theory]
    [InlineData("To confirm your username, is it ana77?")]
    [InlineData("Just to verify the email address on the account, please.")]
    [InlineData("Let me confirm your date of birth first.")]
    public async Task Identity_checks_are_not_checks_of_understanding(string line)
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Can you send a new card?"), A(line)));

        card.Criterion("ClearCommunication").Score.Should().Be(0.6);
    }

    [Fact]
    public async Task A_check_about_the_customers_account_is_still_a_check_of_understanding()
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Can you credit me?"), A("Just to confirm, your account now shows the credit?")));

        card.Criterion("ClearCommunication").Score.Should().Be(1);
    }

    [Theory]
    [InlineData("You'll receive an email with the return label.", "Email")]
    [InlineData("They will notify you when it ships.", "FollowUp")]
    [InlineData("Someone will call you tomorrow morning.", "Callback")]
    public async Task Passive_and_third_person_follow_ups_are_promises(string line, string kind)
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("Can you send a new card?"), A(line)));

        card.Criterion("Reliability").Score.Should().Be(0);
        card.Criterion("Reliability").Evidence.Should().ContainSingle(e => e.Finding.Contains($"no {kind} was logged"));
    }

    [Fact]
    public async Task Dismissive_lines_found_in_real_chats_cost_patience()
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("It still doesn't work."), A("As I mentioned, there's nothing we can do.")));

        card.Criterion("Patience").Score.Should().BeLessThan(1);
    }

    [Fact]
    public async Task A_request_asked_again_in_other_words_raises_the_repeat_nudge()
    {
        using TestHost host = Build();
        LiveConversation chat = host.Coach().StartConversation(new LiveConversationContext { AgentId = "ana", AgentRole = "Agent", CustomerId = "C-1" });

        await chat.AddTurnAsync(Turn(Speaker.Customer, "what is the price for overnight?"));
        await chat.AddTurnAsync(Turn(Speaker.Agent, "Let me check."));
        IReadOnlyList<Nudge> again = await chat.AddTurnAsync(Turn(Speaker.Customer, "So what is the cost?"));

        again.Should().ContainSingle(n => n.Kind == NudgeKind.CustomerRepeated && n.Turn == 3 && n.Message.Contains("turn 1"));
    }

    [Fact]
    public async Task A_request_repeated_without_a_question_mark_raises_the_repeat_nudge()
    {
        using TestHost host = Build();
        LiveConversation chat = host.Coach().StartConversation(new LiveConversationContext { AgentId = "ana", AgentRole = "Agent", CustomerId = "C-1" });

        await chat.AddTurnAsync(Turn(Speaker.Customer, "I need a refund for order 55"));
        await chat.AddTurnAsync(Turn(Speaker.Agent, "One moment please."));
        IReadOnlyList<Nudge> again = await chat.AddTurnAsync(Turn(Speaker.Customer, "I want my refunds for order 55 please"));

        again.Should().ContainSingle(n => n.Kind == NudgeKind.CustomerRepeated);
    }

    [Fact]
    public async Task Lines_written_before_the_agent_replied_are_not_a_repeat()
    {
        using TestHost host = Build();
        LiveConversation chat = host.Coach().StartConversation(new LiveConversationContext { AgentId = "ana", AgentRole = "Agent", CustomerId = "C-1" });

        await chat.AddTurnAsync(Turn(Speaker.Customer, "I need a refund"));
        IReadOnlyList<Nudge> second = await chat.AddTurnAsync(Turn(Speaker.Customer, "I need a refund for order 55"));

        second.Should().NotContain(n => n.Kind == NudgeKind.CustomerRepeated);
    }

    [Theory]
    [InlineData("I went ahead and refunded $300.")]
    [InlineData("I've issued a $300 credit to your account.")]
    [InlineData("$300 has been refunded to your card.")]
    public async Task A_grant_stated_in_the_past_tense_is_checked_against_authority(string line)
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("I want my money back."), A(line)));

        card.CriticalFailures.Should().ContainSingle().Which.Item.Should().Be("PromiseBeyondAuthority");
    }

    [Fact]
    public async Task A_past_tense_grant_within_authority_or_recorded_on_the_interaction_passes()
    {
        using TestHost host = Build();
        Interaction over = Chat(C("I want my money back."), A("I went ahead and refunded $500."));

        // Scored before the grant below uses up the agent's budget.
        Scorecard within = await host.Coach().ScoreAsync(Chat(C("I want my money back."), A("I went ahead and refunded $60.")));
        GrantRecord approved = (await host.Authority.GrantAsync(PolicyFixtures.Refund(500m, incident: "chat-1", key: "k-500") with { Approver = new ApproverAuthority("tina", "TeamLead") })).Grant!;
        Scorecard recorded = await host.Coach().ScoreAsync(over with { Grants = [approved] });

        within.CriticalFailures.Should().BeEmpty();
        recorded.CriticalFailures.Should().BeEmpty();
    }

    [Fact]
    public async Task A_grant_the_agent_says_was_made_must_be_recorded_on_the_interaction()
    {
        using TestHost host = Build();
        Interaction told = Chat(C("I want my money back."), A("I went ahead and refunded $60."));

        Scorecard unrecorded = await host.Coach().ScoreAsync(told);
        GrantRecord made = (await host.Authority.GrantAsync(PolicyFixtures.Refund(60m, incident: "chat-1", key: "k-60"))).Grant!;
        Scorecard recorded = await host.Coach().ScoreAsync(told with { Grants = [made] });

        unrecorded.Criterion("Reliability").Score.Should().Be(0);
        unrecorded.Criterion("Reliability").Evidence.Should().ContainSingle(e => e.Turn == 2 && e.Finding == "said Refund 60 was granted; no grant was recorded");
        unrecorded.Criterion("Reliability").Tip.Should().Contain("no grant was recorded");
        recorded.Criterion("Reliability").Score.Should().Be(1);
    }

    [Fact]
    public async Task A_promise_in_the_future_tense_is_not_a_stated_grant()
    {
        using TestHost host = Build();

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("I want my money back."), A("I'll refund you $60 today.")));

        card.Criterion("Reliability").Score.Should().BeNull();
    }

    [Fact]
    public async Task The_frustration_cues_are_configurable()
    {
        Dictionary<string, string?> settings = EscalationFixtures.Ladder();
        settings["CustomerCraft:Coaching:Phrases:Frustration:0"] = "meh";
        using TestHost host = Build(settings, realSentiment: true);

        Scorecard configured = await host.Coach().ScoreAsync(Chat(C("meh, the box"), A("What is your order number?")));
        Scorecard replaced = await host.Coach().ScoreAsync(Chat(C("I never received my boots."), A("What is your order number?")));

        configured.Criterion("Empathy").Score.Should().Be(0);
        configured.Criterion("Empathy").Tip.Should().Contain("I'm sorry to hear that");
        replaced.Criterion("Empathy").Score.Should().BeNull("a configured list replaces the defaults");
    }

    [Theory]
    [InlineData("ⒶⒷⒸ", true)]
    [InlineData("Ⅻ", true)]
    [InlineData("🅰🅱", true)]
    [InlineData("𝐀𝐁𝐂", true)]
    [InlineData("ⓐⓑ", false)]
    [InlineData("ABCª", false)]
    [InlineData("SUX", true)]
    public void Capitals_follow_Pythons_isupper_including_Other_Uppercase(string word, bool upper) =>
        VaderTokenizer.IsUpper(word).Should().Be(upper);

    private static ValueTask<TurnAnalysis> Customer(string line) =>
        TurnAnalysis.AnalyzeAsync(new Turn(Speaker.Customer, line, PolicyFixtures.Start), 0, CoachingPolicy.Default, Vader, CancellationToken.None);

    private static Turn Turn(Speaker speaker, string text) => new(speaker, text, PolicyFixtures.Start);
}
