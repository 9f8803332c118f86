using System.Globalization;
using System.Text;
using CustomerCraft.Coaching.Sentiment;

namespace CustomerCraft.Coaching.Scoring;

/// <summary>
/// Whether a customer message is one a support team would call frustrated, and the cues that say
/// so. A sentiment score alone misses what support customers write: complaints made of neutral
/// words ("I never received my boots"), sarcasm that praises ("Love the new update!!!!"), angry
/// emoji and profanity, while it flags self-blame ("it was my error") and polite closings that a
/// "nope" negates ("Nope. Have a nice day."). So a message is frustrated when it has a complaint
/// cue, an angry emoji, or a score at or below the threshold that is not all in a sentence of
/// self-blame or a polite closing.
/// </summary>
/// <param name="IsFrustrated">Whether the message counts as negative for empathy and the acknowledgement nudge.</param>
/// <param name="Cues">What drove it: the complaint phrase, the angry emoji, then the score's negative words, strongest first.</param>
/// <param name="Kind">What the customer is upset about, so a tip can answer that.</param>
internal sealed record CustomerFrustration(bool IsFrustrated, string[] Cues, FrustrationKind Kind)
{
    public static CustomerFrustration None { get; } = new(false, [], FrustrationKind.General);

    /// <summary>Angry, exasperated and thumbs-down emoji: they carry no valence in VADER's table but do in support.</summary>
    private static readonly int[] s_angryEmoji =
    [
        0x1F621, 0x1F620, 0x1F92C, 0x1F624, 0x1F644, 0x1F44E, 0x1F612, 0x1F926, 0x1F629, 0x1F62B, 0x1F623, 0x1F616, 0x1F4A2,
    ];

    /// <summary>At or above this compound score, profanity is read as praise.</summary>
    private const double PraisingProfanity = 0.5;

    // Each default cue names the cause it belongs to, so the tip can speak to it.
    private static readonly Dictionary<string, FrustrationKind> s_kinds = DefaultPhrases.FrustrationByKind
        .SelectMany(k => k.Phrases.Select(p => (p, k.Kind)))
        .ToDictionary(x => x.p, x => x.Kind, StringComparer.OrdinalIgnoreCase);

    // Words right before a cue that take the complaint back ("not broken", "no longer crashes").
    private static readonly HashSet<ulong> s_cancelling = [.. new[] { "not", "no", "never", "isn't", "wasn't", "aren't", "longer", "hardly" }.Select(w => TextTokens.HashWord(w))];

    /// <summary>Reads one customer message.</summary>
    public static CustomerFrustration Read(string text, TextTokens tokens, PhraseHit[] hits, SentimentScore sentiment, double threshold)
    {
        List<string>? cues = null;
        FrustrationKind kind = FrustrationKind.General;
        PhraseHit complaint = hits[(int)PhraseGroup.Frustration];
        if (complaint.Found && (complaint.Token == 0 || !s_cancelling.Contains(tokens.Hashes[complaint.Token - 1])))
        {
            kind = KindOf(complaint.Phrase!);

            // Profanity intensifies what it sits in: in a message that scores clearly positive
            // ("fucking awesome, thanks") it is praise, not a complaint.
            if (kind != FrustrationKind.Profanity || sentiment.Compound < PraisingProfanity)
            {
                (cues ??= []).Add(complaint.Phrase!);
            }
            else
            {
                kind = FrustrationKind.General;
            }
        }

        if (AngryEmoji(text) is { } emoji)
        {
            (cues ??= []).Add(emoji);
            kind = kind == FrustrationKind.General ? FrustrationKind.Anger : kind;
        }

        PhraseHit excuse = hits[(int)PhraseGroup.NotFrustrated];
        if (!excuse.Found)
        {
            if (sentiment.Compound <= threshold)
            {
                int before = cues?.Count ?? 0;
                foreach (SentimentDriver driver in sentiment.Drivers)
                {
                    if (driver.Valence < 0)
                    {
                        (cues ??= []).Add(driver.Word);
                    }
                }

                // An analyzer that names no words (a cloud service, say) leaves only its score to go on.
                if ((cues?.Count ?? 0) == before)
                {
                    (cues ??= []).Add($"sentiment {sentiment.Compound.ToString("0.00", CultureInfo.InvariantCulture)}");
                }
            }
        }
        else
        {
            // A sentence of self-blame or a polite closing does not make the message a complaint
            // (VADER lets "Nope." negate "Have a nice day."): the words outside it are scored
            // alone, normalised as VADER normalises its sum.
            (int from, int to) = Sentence(text, tokens.Starts[excuse.Token]);
            double outside = 0;
            List<string>? words = null;
            foreach (SentimentDriver driver in sentiment.Drivers)
            {
                int at = text.IndexOf(driver.Word, StringComparison.OrdinalIgnoreCase);
                if (at >= from && at < to)
                {
                    continue;
                }

                outside += driver.Valence;
                if (driver.Valence < 0)
                {
                    (words ??= []).Add(driver.Word);
                }
            }

            if (words is not null && outside / Math.Sqrt((outside * outside) + VaderRules.NormalizationAlpha) <= threshold)
            {
                (cues ??= []).AddRange(words);
            }
        }

        return cues is null ? None : new CustomerFrustration(true, [.. cues], kind);
    }

    /// <summary>The sentence around <paramref name="position"/>: from after the previous '.', '!', '?' or line break to the next.</summary>
    private static (int From, int To) Sentence(string text, int position)
    {
        int from = text.AsSpan(0, position).LastIndexOfAny(".!?\n") + 1;
        int next = text.AsSpan(position).IndexOfAny(".!?\n");
        return (from, next < 0 ? text.Length : position + next);
    }

    private static string? AngryEmoji(string text)
    {
        // Emoji are outside the BMP: a message without a surrogate has none to look for.
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDBFF') < 0)
        {
            return null;
        }

        foreach (Rune rune in text.EnumerateRunes())
        {
            if (Array.IndexOf(s_angryEmoji, rune.Value) >= 0)
            {
                return rune.ToString();
            }
        }

        return null;
    }

    // A configured cue the defaults do not know names no cause: the tip stays general.
    private static FrustrationKind KindOf(string cue) => s_kinds.TryGetValue(cue, out FrustrationKind kind) ? kind : FrustrationKind.General;
}
