using BenchmarkDotNet.Attributes;
using CustomerCraft.Coaching;
using CustomerCraft.Coaching.Scoring;
using CustomerCraft.Coaching.Sentiment;
using CustomerCraft.Escalation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// Coaching as a host uses it: sentiment per short message, a full scorecard of a 30-turn
/// transcript, and the nudges of a live 30-turn conversation (one <c>AddTurnAsync</c> per turn,
/// on a conversation tied to a stored case, with one "let me ask my supervisor" turn that asks the
/// empowerment engine what the agent may offer).
/// </summary>
[MemoryDiagnoser]
public class CoachingBenchmarks : IDisposable
{
    /// <summary>Short support messages, as customers and agents write them.</summary>
    public static readonly string[] Messages =
    [
        "I've been waiting two weeks for my refund and nobody called me back!!",
        "Thanks so much, that was really helpful :)",
        "The app is not working again.",
        "I'm NOT happy with this at all.",
        "It was good but the delivery was terrible.",
        "Can you check my order status please?",
        "This is ridiculous, I want my money back.",
        "Great, that fixed it. You're a star!",
        "Still broken after the update, very disappointing.",
        "ok",
        "I'm sorry about the wait, let me fix it right now.",
        "Does that make sense?",
        "The replacement arrived damaged, what a mess.",
        "Not bad, but it could be faster.",
        "Wonderful service, thank you!",
        "I don't understand why this keeps happening?",
    ];

    private ServiceProvider? _services;
    private ISentimentAnalyzer _sentiment = null!;
    private IInteractionCoach _coach = null!;
    private Interaction _transcript = null!;
    private Turn[] _customerTurns = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = BuildServices();
        _sentiment = _services.GetRequiredService<ISentimentAnalyzer>();
        _coach = _services.GetRequiredService<IInteractionCoach>();
        _transcript = Transcript();
        _customerTurns = [.. Messages.Select(m => new Turn(Speaker.Customer, m, new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero)))];
        ICaseWorkflow cases = _services.GetRequiredService<ICaseWorkflow>();
        cases.OpenAsync(new OpenCaseRequest { CaseId = "case-1", CustomerId = "C-1" }).AsTask().GetAwaiter().GetResult();

        Scorecard card = ScoreTranscript30Turns();
        int nudges = LiveConversation30Turns();
        Console.WriteLine($"// Verified: scorecard {card.Score} with {card.Criteria.Count(c => c.Score is not null)} criteria applying; {nudges} nudges over the live conversation; {FrustrationGatePerMessage()} of {Messages.Length} messages frustrated.");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _services?.Dispose();
        _services = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>The built-in analyzer on each of the 16 messages; time per message.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public double SentimentPerMessage()
    {
        double sum = 0;
        foreach (string message in Messages)
        {
            ValueTask<SentimentScore> pending = _sentiment.AnalyzeAsync(message);
            sum += pending.IsCompletedSuccessfully ? pending.Result.Compound : pending.AsTask().GetAwaiter().GetResult().Compound;
        }

        return sum;
    }

    /// <summary>
    /// A customer message read as the scorecard reads it, on each of the 16 messages: words,
    /// every phrase list, the built-in analyzer and the frustration gate; time per message.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public int FrustrationGatePerMessage()
    {
        int frustrated = 0;
        for (int i = 0; i < _customerTurns.Length; i++)
        {
            ValueTask<TurnAnalysis> pending = TurnAnalysis.AnalyzeAsync(_customerTurns[i], i, CoachingPolicy.Default, _sentiment, CancellationToken.None);
            TurnAnalysis turn = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            frustrated += turn.Frustration.IsFrustrated ? 1 : 0;
        }

        return frustrated;
    }

    /// <summary>A full scorecard of a 30-turn transcript (sentiment of every customer turn included).</summary>
    [Benchmark]
    public Scorecard ScoreTranscript30Turns()
    {
        ValueTask<Scorecard> pending = _coach.ScoreAsync(_transcript);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A live conversation of 30 turns, one nudge call per turn; time per turn.</summary>
    [Benchmark(OperationsPerInvoke = 30)]
    public int LiveConversation30Turns()
    {
        LiveConversation live = _coach.StartConversation(new LiveConversationContext { AgentId = "ana", AgentRole = "Agent", CustomerId = "C-1", CaseId = "case-1" });
        int nudges = 0;
        foreach (Turn turn in _transcript.Turns)
        {
            ValueTask<IReadOnlyList<Nudge>> pending = live.AddTurnAsync(turn);
            nudges += (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Count;
        }

        return nudges;
    }

    private static Interaction Transcript()
    {
        string[] customer =
        [
            "Hi, my blender stopped working after a week.", "I've been waiting two weeks for my refund and nobody called me back!!",
            "Order 4471.", "When will my refund arrive?", "So when will the refund arrive?", "This is ridiculous.",
            "I want my $60 back.", "Ok.", "Can you email me the confirmation?", "Will it show on my card?",
            "Thanks.", "What about the broken jug?", "Fine.", "Great, thank you so much!", "Bye.",
        ];
        string[] agent =
        [
            "Hello! Sorry to hear that, let me look.", "I'm sorry about the wait, that's frustrating. Let me fix it.",
            "Thanks, checking order 4471 now.", "Let me check the payment status.", "It was sent yesterday; it can take 3 days.",
            "I understand. I'll make sure it arrives.", "I'll need to ask my supervisor about a refund.",
            "I've refunded the $60 to your card.", "I'll email you the confirmation now.", "Yes, within 3 days. Does that make sense?",
            "You're welcome.", "I can send a replacement jug today.", "Done, it ships tonight.", "Anything else I can help with?", "Have a great day!",
        ];
        var turns = new List<Turn>(30);
        DateTimeOffset start = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 15; i++)
        {
            turns.Add(new Turn(Speaker.Customer, customer[i], start.AddSeconds(i * 60)));
            turns.Add(new Turn(Speaker.Agent, agent[i], start.AddSeconds((i * 60) + 30)));
        }

        return new Interaction
        {
            Id = "chat-1", AgentId = "ana", AgentRole = "Agent", CustomerId = "C-1", Channel = "chat",
            Turns = turns, FollowUpsLogged = ["Email"], ResolvedAtFirstContact = true,
        };
    }

    private static ServiceProvider BuildServices()
    {
        var settings = new Dictionary<string, string?>
        {
            ["CustomerCraft:Empowerment:Currency"] = "USD",
            ["CustomerCraft:Empowerment:Actions:Refund:Description"] = "Money back",
            ["CustomerCraft:Empowerment:Actions:Replacement:Description"] = "A new one",
            ["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "10",
            ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "100",
            ["CustomerCraft:Empowerment:Roles:Agent:Limits:Replacement:PerIncident:Amount"] = "250",
            ["CustomerCraft:Empowerment:Roles:TeamLead:Rank"] = "30",
            ["CustomerCraft:Empowerment:Roles:TeamLead:Limits:Refund:PerIncident:Amount"] = "1000",
            ["CustomerCraft:Empowerment:Roles:TeamLead:Limits:Replacement:PerIncident:Amount"] = "2000",
            ["CustomerCraft:Escalation:Levels:FrontLine:Level"] = "0",
            ["CustomerCraft:Escalation:Levels:FrontLine:Role"] = "Agent",
            ["CustomerCraft:Escalation:Levels:FrontLine:Targets:Normal:Response"] = "01:00:00",
            ["CustomerCraft:Escalation:Levels:FrontLine:Targets:Normal:Resolution"] = "08:00:00",
        };
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
