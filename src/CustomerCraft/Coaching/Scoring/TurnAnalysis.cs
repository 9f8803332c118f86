using CustomerCraft.Coaching.Sentiment;

namespace CustomerCraft.Coaching.Scoring;

/// <summary>One turn read once: its words, the phrase groups found in it, its sentiment (customer turns) and any amount.</summary>
internal sealed class TurnAnalysis
{
    private TurnAnalysis(Turn turn, int index, TextTokens tokens, PhraseHit[] hits, SentimentScore? sentiment, CustomerFrustration frustration, decimal? amount)
    {
        Frustration = frustration;
        Turn = turn;
        Index = index;
        Tokens = tokens;
        Hits = hits;
        Sentiment = sentiment;
        Amount = amount;
    }

    public Turn Turn { get; }

    /// <summary>Position in the transcript, from 0.</summary>
    public int Index { get; }

    /// <summary>Position for people, from 1.</summary>
    public int Number => Index + 1;

    public TextTokens Tokens { get; }

    public PhraseHit[] Hits { get; }

    public SentimentScore? Sentiment { get; }

    public decimal? Amount { get; }

    /// <summary>Whether a customer turn is frustrated, and why; <see cref="CustomerFrustration.None"/> for agent turns.</summary>
    public CustomerFrustration Frustration { get; }

    public bool IsCustomer => Turn.Speaker == Speaker.Customer;

    public bool IsAgent => Turn.Speaker == Speaker.Agent;

    public PhraseHit Hit(PhraseGroup group) => Hits[(int)group];

    public static async ValueTask<TurnAnalysis> AnalyzeAsync(Turn turn, int index, CoachingPolicy policy, ISentimentAnalyzer sentiment, CancellationToken cancellationToken)
    {
        if (turn is null)
        {
            throw new ArgumentNullException("turn", $"Turn {index + 1} is null.");
        }

        string text = turn.Text ?? throw new ArgumentException($"Turn {index + 1} has no text.", "turn.Text");
        TextTokens tokens = TextTokens.Of(text);
        var hits = new PhraseHit[policy.Phrases.GroupCount];
        policy.Phrases.Match(tokens, hits);
        SentimentScore? score = turn.Speaker == Speaker.Customer
            ? await sentiment.AnalyzeAsync(text, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The sentiment analyzer {sentiment.GetType().Name} returned no score for turn {index + 1}.")
            : null;
        CustomerFrustration frustration = score is null ? CustomerFrustration.None : CustomerFrustration.Read(text, tokens, hits, score, policy.NegativeSentiment);
        return new TurnAnalysis(turn, index, tokens, hits, score, frustration, TextTokens.LargestAmount(text));
    }

    /// <summary>The first action named in the turn, as an index into <see cref="CoachingPolicy.Actions"/>, or -1.</summary>
    public int FirstAction(CoachingPolicy policy)
    {
        int best = -1;
        int bestToken = int.MaxValue;
        for (int a = 0; a < policy.Actions.Length; a++)
        {
            PhraseHit hit = Hits[policy.ActionGroup(a)];
            if (hit.Found && hit.Token < bestToken)
            {
                best = a;
                bestToken = hit.Token;
            }
        }

        return best;
    }

    /// <summary>A short excerpt of the turn for evidence.</summary>
    public string Excerpt(int max = 80)
    {
        string text = Turn.Text.Trim();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 3), "...");
    }
}
