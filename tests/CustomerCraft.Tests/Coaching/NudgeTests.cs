using CustomerCraft.Coaching;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;

namespace CustomerCraft.Tests.Coaching;

public sealed class NudgeTests
{
    private static readonly LiveConversationContext Ana = new() { AgentId = "ana", AgentRole = "Agent", CustomerId = "C-1" };

    [Fact]
    public async Task An_upset_customer_raises_a_nudge_until_the_agent_acknowledges_it()
    {
        using TestHost host = CoachingFixtures.Build();
        LiveConversation chat = host.Coach().StartConversation(Ana);

        IReadOnlyList<Nudge> upset = await chat.AddTurnAsync(Customer("I've been waiting for ages, this is terrible."));
        IReadOnlyList<Nudge> ignored = await chat.AddTurnAsync(Agent("What is your order number?"));
        IReadOnlyList<Nudge> acknowledged = await chat.AddTurnAsync(Agent("I'm sorry about the wait, that's frustrating."));

        upset.Should().ContainSingle().Which.Should().Match<Nudge>(n => n.Kind == NudgeKind.AcknowledgeFeelings && n.Turn == 1 && n.Message.Contains("waiting for ages"));
        ignored.Select(n => n.Kind).Should().Equal(NudgeKind.AcknowledgeFeelings);
        acknowledged.Should().BeEmpty();
    }

    [Fact]
    public async Task A_question_asked_twice_raises_a_nudge_until_the_agent_answers()
    {
        using TestHost host = CoachingFixtures.Build();
        LiveConversation chat = host.Coach().StartConversation(Ana);

        (await chat.AddTurnAsync(Customer("When will my replacement blender arrive?"))).Should().BeEmpty();
        (await chat.AddTurnAsync(Agent("Let me check the courier."))).Should().BeEmpty();
        IReadOnlyList<Nudge> again = await chat.AddTurnAsync(Customer("So when will the replacement blender arrive?"));
        (await chat.AddTurnAsync(Agent("It arrives on Thursday."))).Should().BeEmpty();

        again.Should().ContainSingle().Which.Should().Match<Nudge>(n => n.Kind == NudgeKind.CustomerRepeated && n.Turn == 3 && n.Message.Contains("turn 1"));
    }

    [Fact]
    public async Task Different_questions_are_not_a_repeat()
    {
        using TestHost host = CoachingFixtures.Build();
        LiveConversation chat = host.Coach().StartConversation(Ana);

        await chat.AddTurnAsync(Customer("When will my replacement blender arrive?"));
        await chat.AddTurnAsync(Agent("Thursday."));

        (await chat.AddTurnAsync(Customer("Can I change the delivery address?"))).Should().BeEmpty();
    }

    [Fact]
    public async Task About_to_escalate_a_request_within_authority_the_agent_is_told_what_they_may_offer()
    {
        using TestHost host = CoachingFixtures.Build();
        LiveConversation chat = host.Coach().StartConversation(Ana);

        await chat.AddTurnAsync(Customer("The blender broke, I want a refund of $60 please."));
        IReadOnlyList<Nudge> nudges = await chat.AddTurnAsync(Agent("I'll need to ask my supervisor about that."));

        Nudge offer = nudges.Should().ContainSingle(n => n.Kind == NudgeKind.OfferWithinAuthority).Subject;
        offer.Turn.Should().Be(2);
        offer.Message.Should().Contain("refund of 60 USD is within your authority").And.Contain("100 USD refund").And.Contain("50 USD credit");
    }

    [Fact]
    public async Task Without_a_request_the_offer_nudge_lists_the_headroom()
    {
        using TestHost host = CoachingFixtures.Build();
        LiveConversation chat = host.Coach().StartConversation(Ana);

        await chat.AddTurnAsync(Customer("This is the worst service ever."));
        IReadOnlyList<Nudge> nudges = await chat.AddTurnAsync(Agent("Let me transfer you to a manager."));

        nudges.Select(n => n.Kind).Should().Equal([NudgeKind.OfferWithinAuthority, NudgeKind.AcknowledgeFeelings], "nudges come ranked: the offer first");
        nudges[0].Message.Should().StartWith("Before escalating: you can offer up to 50 USD credit or 100 USD refund without approval.");
    }

    [Fact]
    public async Task A_close_SLA_deadline_on_the_case_raises_a_nudge()
    {
        using TestHost host = CoachingFixtures.Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync(new OpenCaseRequest { CaseId = "case-1", CustomerId = "C-1" }); // front-line response due in 1 h
        LiveConversation chat = host.Coach().StartConversation(Ana with { CaseId = "case-1" });

        (await chat.AddTurnAsync(Customer("Hello?"))).Should().BeEmpty();
        host.Time.Advance(TimeSpan.FromMinutes(52));
        IReadOnlyList<Nudge> nudges = await chat.AddTurnAsync(Customer("Hello, anyone?"));

        nudges.Should().ContainSingle(n => n.Kind == NudgeKind.SlaDueSoon).Which.Message.Should().Contain("response target is due in 8m 0s");
    }

    [Fact]
    public async Task An_unknown_role_or_a_missing_customer_is_refused_with_the_field()
    {
        using TestHost host = CoachingFixtures.Build();

        FluentActions.Invoking(() => host.Coach().StartConversation(Ana with { AgentRole = "Wizard" })).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context.AgentRole");
        FluentActions.Invoking(() => host.Coach().StartConversation(Ana with { CustomerId = " " })).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context.CustomerId");
    }

    private static Turn Customer(string text) => new(Speaker.Customer, text, PolicyFixtures.Start);

    private static Turn Agent(string text) => new(Speaker.Agent, text, PolicyFixtures.Start);
}
