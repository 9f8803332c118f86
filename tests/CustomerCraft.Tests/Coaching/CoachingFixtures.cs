using CustomerCraft.Coaching;
using CustomerCraft.Coaching.Sentiment;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Tests.Coaching;

/// <summary>
/// Hosts for coaching tests. Detector tests use <see cref="KeywordSentiment"/>, whose scores are
/// obvious from the words, so a test reads as what it checks and not as a test of the lexicon.
/// </summary>
internal static class CoachingFixtures
{
    public static TestHost Build(IDictionary<string, string?>? settings = null, bool realSentiment = false) =>
        EscalationFixtures.Build(settings, realSentiment ? null : b => b.UseSentimentAnalyzer<KeywordSentiment>());

    public static IInteractionCoach Coach(this TestHost host) => host.Services.GetRequiredService<IInteractionCoach>();

    /// <summary>An interaction handled by Ana (Agent) for customer C-1; turns alternate timestamps 30 s apart unless given.</summary>
    public static Interaction Chat(params (Speaker Speaker, string Text)[] turns) => Chat(turns.Select((t, i) => (t.Speaker, t.Text, i * 30)).ToArray());

    public static Interaction Chat(params (Speaker Speaker, string Text, int Seconds)[] turns) => new()
    {
        Id = "chat-1",
        AgentId = "ana",
        AgentRole = "Agent",
        CustomerId = "C-1",
        Channel = "chat",
        Turns = turns.Select(t => new Turn(t.Speaker, t.Text, PolicyFixtures.Start + TimeSpan.FromSeconds(t.Seconds))).ToList(),
    };

    public static CriterionScore Criterion(this Scorecard card, string name) => card.Criteria.Single(c => c.Criterion == name);

    public static (Speaker, string) C(string text) => (Speaker.Customer, text);

    public static (Speaker, string) A(string text) => (Speaker.Agent, text);
}

/// <summary>Negative for words like "waiting" and "terrible", positive for "thanks" and "great"; 0.5 a word.</summary>
internal sealed class KeywordSentiment : ISentimentAnalyzer
{
    private static readonly string[] Negative = ["angry", "waiting", "terrible", "broken", "useless", "ridiculous", "worst", "upset", "furious"];
    private static readonly string[] Positive = ["thanks", "thank", "great", "perfect", "wonderful", "happy", "love", "brilliant"];

    public ValueTask<SentimentScore> AnalyzeAsync(string text, CancellationToken cancellationToken = default)
    {
        int score = Positive.Count(w => text.Contains(w, StringComparison.OrdinalIgnoreCase)) - Negative.Count(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
        double compound = Math.Clamp(score * 0.5, -1, 1);
        return ValueTask.FromResult(new SentimentScore(compound, Math.Max(0, compound), Math.Max(0, -compound), 1 - Math.Abs(compound), []));
    }
}
