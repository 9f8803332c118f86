namespace CustomerCraft.Coaching.Sentiment;

/// <summary>
/// Scores the sentiment of a short message. The built-in analyzer is a lexicon with rules for
/// short support messages and answers synchronously; a host can plug in a cloud service with
/// <c>builder.UseSentimentAnalyzer&lt;T&gt;()</c>.
/// </summary>
public interface ISentimentAnalyzer
{
    /// <summary>Scores <paramref name="text"/>.</summary>
    ValueTask<SentimentScore> AnalyzeAsync(string text, CancellationToken cancellationToken = default);
}

/// <summary>The sentiment of a message.</summary>
/// <param name="Compound">The overall score in [-1, 1]: below about -0.05 negative, above about 0.05 positive.</param>
/// <param name="Positive">The share of the message's sentiment that is positive, in [0, 1].</param>
/// <param name="Negative">The share that is negative, in [0, 1].</param>
/// <param name="Neutral">The share that is neutral, in [0, 1].</param>
/// <param name="Drivers">The words (or emoticons) that drove the score, strongest first, with their valence after the rules.</param>
public sealed record SentimentScore(double Compound, double Positive, double Negative, double Neutral, IReadOnlyList<SentimentDriver> Drivers)
{
    /// <summary>A message with no sentiment.</summary>
    public static SentimentScore None { get; } = new(0, 0, 0, 1, []);
}

/// <summary>A word that moved the score.</summary>
/// <param name="Word">The word as written.</param>
/// <param name="Valence">Its contribution after negation, intensifiers, capitals and "but" (lexicon scale, about -4 to 4).</param>
public readonly record struct SentimentDriver(string Word, double Valence);
