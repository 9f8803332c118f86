using Microsoft.Extensions.DependencyInjection;
using CustomerCraft.Coaching;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Coaching.CoachingFixtures;

namespace CustomerCraft.Tests.Coaching;

/// <summary>
/// Regression tests for issue 15 item 5: 200,000 turns took 27 s to score and notes up to
/// Kestrel's 30 MB were stored. What the library accepts is capped, configurably, with errors
/// that name the setting.
/// </summary>
public class InputCapTests
{
    private static Dictionary<string, string?> Caps(int turns, int turnLength, int noteLength)
    {
        Dictionary<string, string?> settings = EscalationFixtures.Ladder();
        settings["CustomerCraft:Coaching:MaxTurns"] = turns.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["CustomerCraft:Coaching:MaxTurnLength"] = turnLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["CustomerCraft:Escalation:MaxNoteLength"] = noteLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    [Fact]
    public async Task Score_MoreTurnsThanMaxTurns_IsRefusedNamingTheSetting()
    {
        using TestHost host = Build(Caps(turns: 3, turnLength: 100, noteLength: 100));

        Func<Task> act = async () => await host.Coach().ScoreAsync(Chat(C("hi"), A("hello"), C("refund?"), A("sure")));

        (await act.Should().ThrowAsync<ArgumentException>())
            .WithMessage("interaction.Turns has 4 turns; CustomerCraft:Coaching:MaxTurns allows 3.*")
            .Which.ParamName.Should().Be("interaction.Turns");
    }

    [Fact]
    public async Task Score_AtTheCaps_IsScored()
    {
        using TestHost host = Build(Caps(turns: 3, turnLength: 5, noteLength: 100));

        Scorecard card = await host.Coach().ScoreAsync(Chat(C("hi"), A("hello"), C("12345")));

        card.InteractionId.Should().Be("chat-1");
    }

    [Fact]
    public async Task Score_ATurnLongerThanMaxTurnLength_NamesTheTurn()
    {
        using TestHost host = Build(Caps(turns: 10, turnLength: 5, noteLength: 100));

        Func<Task> act = async () => await host.Coach().ScoreAsync(Chat(C("hi"), A("hello!")));

        (await act.Should().ThrowAsync<ArgumentException>())
            .WithMessage("interaction.Turns[1].Text is 6 characters long; CustomerCraft:Coaching:MaxTurnLength allows 5.*");
    }

    [Fact]
    public async Task LiveConversation_TurnPastMaxTurns_IsRefusedAndTheConversationStaysUsable()
    {
        using TestHost host = Build(Caps(turns: 2, turnLength: 100, noteLength: 100));
        LiveConversation live = host.Coach().StartConversation(new LiveConversationContext { AgentId = "ana", AgentRole = "Agent", CustomerId = "C-1" });
        await live.AddTurnAsync(new Turn(Speaker.Customer, "hi", host.Time.GetUtcNow()));
        Func<Task> tooLong = async () => await live.AddTurnAsync(new Turn(Speaker.Agent, new string('x', 101), host.Time.GetUtcNow()));
        (await tooLong.Should().ThrowAsync<ArgumentException>()).WithMessage("*MaxTurnLength allows 100*");
        await live.AddTurnAsync(new Turn(Speaker.Agent, "hello", host.Time.GetUtcNow()));

        Func<Task> third = async () => await live.AddTurnAsync(new Turn(Speaker.Customer, "thanks", host.Time.GetUtcNow()));

        (await third.Should().ThrowAsync<ArgumentException>()).WithMessage("turn: turn 3 is one too many; CustomerCraft:Coaching:MaxTurns allows 2.*");
        live.TurnCount.Should().Be(2);
    }

    [Fact]
    public async Task Note_LongerThanMaxNoteLength_IsRefusedBeforeTheCaseChanges()
    {
        using TestHost host = Build(Caps(turns: 10, turnLength: 10, noteLength: 20));
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await workflow.OpenAsync(new OpenCaseRequest { CaseId = "case-1", CustomerId = "C-1", Owner = EscalationFixtures.Ana });

        Func<Task> note = async () => await workflow.AddNoteAsync("case-1", EscalationFixtures.Ana, new string('n', 21));
        Func<Task> resolve = async () => await workflow.ResolveAsync("case-1", EscalationFixtures.Ana, new string('n', 21));

        (await note.Should().ThrowAsync<ArgumentException>()).WithMessage("note is 21 characters long; CustomerCraft:Escalation:MaxNoteLength allows 20.*");
        (await resolve.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("note");
        (await workflow.FindAsync("case-1"))!.Version.Should().Be(opened.Version);
        await workflow.AddNoteAsync("case-1", EscalationFixtures.Ana, new string('n', 20));
    }

    [Theory]
    [InlineData("Coaching:MaxTurns")]
    [InlineData("Coaching:MaxTurnLength")]
    [InlineData("Escalation:MaxNoteLength")]
    public void Caps_BelowOne_FailAtStartNamingThePath(string setting)
    {
        Dictionary<string, string?> settings = EscalationFixtures.Ladder();
        settings[$"CustomerCraft:{setting}"] = "0";
        using TestHost host = Build(settings);

        FluentActions.Invoking(() => host.Services.GetRequiredService<IOptions<CustomerCraftOptions>>().Value)
            .Should().Throw<OptionsValidationException>().WithMessage($"*CustomerCraft:{setting}: 0 must be at least 1*");
    }
}
