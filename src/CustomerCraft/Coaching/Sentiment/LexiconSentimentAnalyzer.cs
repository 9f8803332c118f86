using System.Buffers;

namespace CustomerCraft.Coaching.Sentiment;

/// <summary>
/// The built-in analyzer: a port of VADER (Valence Aware Dictionary and sEntiment Reasoner; Hutto
/// and Gilbert, ICWSM 2014; vaderSentiment 3.3.2's <c>polarity_scores</c>), a lexicon of human
/// valence ratings plus the rules that change a word's weight in context: negation up to three
/// words back ("not good", "isn't very good"), boosters and dampeners with distance decay ("very",
/// "kind of"), contrastive "but" (half weight before, one and a half after), capitals used for
/// emphasis, exclamation and question marks, idioms ("the bomb", "yeah right"), emoticons and emoji.
/// VADER was built and validated on short social-media text, which support chat resembles; on its
/// authors' 4,200 human-rated tweets it correlates at r = 0.88 with the mean human rating.
/// </summary>
/// <remarks>
/// <para>
/// Scores match the reference implementation's (before its rounding to 4 and 3 decimals), with
/// four deliberate differences: "but" re-weights words by position (the reference looks each
/// sentiment value up by equality, so two words with the same value can swap weights); "kind of",
/// "sort of" and "just enough" dampen a negative word toward zero too (the reference makes it more
/// negative); a curly apostrophe counts as an apostrophe ("don’t" negates); and a message without
/// words gets <see cref="SentimentScore.None"/> (all neutral) rather than all zeros.
/// </para>
/// <para>
/// Thread-safe and allocation-free apart from the result: words are looked up as lower-cased spans
/// in a frozen dictionary, and per-word state lives in a per-thread buffer.
/// </para>
/// </remarks>
internal sealed class LexiconSentimentAnalyzer : ISentimentAnalyzer
{
    /// <summary>At most this many drivers are reported, strongest first.</summary>
    internal const int MaxDrivers = 8;

    // Beyond this many tokens a message is scored in a pooled buffer instead of the cached one,
    // so that one huge message does not pin a huge array to the thread.
    private const int CachedTokenCapacity = 1024;

    [ThreadStatic]
    private static VaderToken[]? t_tokens;

    private readonly VaderWordTable _table;

    /// <summary>An analyzer over VADER's embedded lexicon (parsed once per process, on first use).</summary>
    public LexiconSentimentAnalyzer()
        : this(VaderWordTable.Default)
    {
    }

    /// <summary>An analyzer over another lexicon (lower-case keys, valences on VADER's -4..4 scale).</summary>
    internal LexiconSentimentAnalyzer(IReadOnlyDictionary<string, double> lexicon)
        : this(new VaderWordTable(lexicon))
    {
    }

    private LexiconSentimentAnalyzer(VaderWordTable table) => _table = table;

    /// <inheritdoc />
    /// <remarks>Completes synchronously.</remarks>
    public ValueTask<SentimentScore> AnalyzeAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<SentimentScore>(cancellationToken)
            : new ValueTask<SentimentScore>(Analyze(text));
    }

    /// <summary>Scores <paramref name="text"/> synchronously.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public SentimentScore Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ReadOnlySpan<char> span = text;
        int expanded = VaderEmoji.ExpandedLength(span);
        if (expanded < 0)
        {
            return Score(span);
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(expanded);
        try
        {
            Span<char> withNames = buffer.AsSpan(0, expanded);
            VaderEmoji.Expand(span, withNames);
            return Score(withNames);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private SentimentScore Score(ReadOnlySpan<char> text)
    {
        int capacity = (text.Length / 2) + 1;
        VaderToken[]? pooled = null;
        VaderToken[] buffer;
        if (capacity <= CachedTokenCapacity)
        {
            buffer = t_tokens is { } cached && cached.Length >= capacity
                ? cached
                : t_tokens = new VaderToken[Math.Max(capacity, 64)];
        }
        else
        {
            buffer = pooled = ArrayPool<VaderToken>.Shared.Rent(capacity);
        }

        try
        {
            int count = VaderTokenizer.Tokenize(text, _table, buffer, out int upperCount);
            Span<VaderToken> tokens = buffer.AsSpan(0, count);

            // Capitals are emphasis only when some words, not all, are in capitals.
            bool capsDiffer = upperCount > 0 && upperCount < count;
            ScoreWords(tokens, capsDiffer);
            WeighAroundBut(tokens);
            return Summarize(text, tokens);
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<VaderToken>.Shared.Return(pooled);
            }
        }
    }

    private void ScoreWords(Span<VaderToken> tokens, bool capsDiffer)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            ref VaderToken token = ref tokens[i];

            // Boosters and the "kind" of "kind of" modify the next words; they carry no sentiment
            // of their own even when the lexicon rates them ("kind" alone is 2.4).
            if (token.Has(WordFlags.Booster)
                || (token.Has(WordFlags.Kind) && i < tokens.Length - 1 && tokens[i + 1].Has(WordFlags.Of))
                || !token.Has(WordFlags.InLexicon))
            {
                token.Sentiment = 0;
                continue;
            }

            token.Sentiment = Valence(tokens, i, capsDiffer);
        }
    }

    /// <summary>The valence of the lexicon word at <paramref name="i"/> after the rules that look at its neighbours.</summary>
    private double Valence(Span<VaderToken> tokens, int i, bool capsDiffer)
    {
        ref VaderToken token = ref tokens[i];
        double valence = token.Valence;

        // "no" before another sentiment word negates it rather than counting as negative itself.
        if (token.Has(WordFlags.No) && i != tokens.Length - 1 && tokens[i + 1].Has(WordFlags.InLexicon))
        {
            valence = 0;
        }

        if ((i > 0 && tokens[i - 1].Has(WordFlags.No))
            || (i > 1 && tokens[i - 2].Has(WordFlags.No))
            || (i > 2 && tokens[i - 3].Has(WordFlags.No) && tokens[i - 1].Has(WordFlags.OrNor)))
        {
            valence = token.Valence * VaderRules.NegationScalar;
        }

        if (token.IsUpper && capsDiffer)
        {
            valence += valence > 0 ? VaderRules.CapsIncrement : -VaderRules.CapsIncrement;
        }

        // Look up to three words back for boosters and negations; a word that is itself in the
        // lexicon is a sentiment word, not a modifier, and is skipped.
        for (int back = 0; back < 3; back++)
        {
            if (i <= back || tokens[i - back - 1].Has(WordFlags.InLexicon))
            {
                continue;
            }

            double scalar = BoosterScalar(tokens[i - back - 1], valence, capsDiffer);
            if (back == 1)
            {
                scalar *= VaderRules.SecondWordDecay;
            }
            else if (back == 2)
            {
                scalar *= VaderRules.ThirdWordDecay;
            }

            valence += scalar;
            valence = Negate(tokens, i, back, valence);
            if (back == 2)
            {
                valence = ApplyIdioms(tokens, i, valence);
            }
        }

        return Least(tokens, i, valence);
    }

    /// <summary>A booster pushes away from zero in the word's direction; one in capitals pushes harder.</summary>
    private static double BoosterScalar(in VaderToken modifier, double valence, bool capsDiffer)
    {
        if (!modifier.Has(WordFlags.Booster))
        {
            return 0;
        }

        double scalar = valence < 0 ? -modifier.Booster : modifier.Booster;
        if (modifier.IsUpper && capsDiffer)
        {
            scalar += valence > 0 ? VaderRules.CapsIncrement : -VaderRules.CapsIncrement;
        }

        return scalar;
    }

    /// <summary>Negation by the word <paramref name="back"/> + 1 places before <paramref name="i"/>.</summary>
    private static double Negate(Span<VaderToken> tokens, int i, int back, double valence)
    {
        switch (back)
        {
            case 0:
                return tokens[i - 1].Has(WordFlags.Negation) ? valence * VaderRules.NegationScalar : valence;
            case 1:
                if (tokens[i - 2].Has(WordFlags.Never) && tokens[i - 1].Has(WordFlags.SoOrThis))
                {
                    return valence * VaderRules.NeverSoThisEmphasis;
                }

                if (tokens[i - 2].Has(WordFlags.Without) && tokens[i - 1].Has(WordFlags.Doubt))
                {
                    return valence;
                }

                return tokens[i - 2].Has(WordFlags.Negation) ? valence * VaderRules.NegationScalar : valence;
            default:
                // The reference's condition reads "never so/this" three words back, or "so/this"
                // right before the word; the second half (an operator-precedence accident) is kept
                // because its published scores include it.
                if ((tokens[i - 3].Has(WordFlags.Never) && tokens[i - 2].Has(WordFlags.SoOrThis))
                    || tokens[i - 1].Has(WordFlags.SoOrThis))
                {
                    return valence * VaderRules.NeverSoThisEmphasis;
                }

                if (tokens[i - 3].Has(WordFlags.Without)
                    && (tokens[i - 2].Has(WordFlags.Doubt) || tokens[i - 1].Has(WordFlags.Doubt)))
                {
                    return valence;
                }

                return tokens[i - 3].Has(WordFlags.Negation) ? valence * VaderRules.NegationScalar : valence;
        }
    }

    /// <summary>
    /// Idioms around the word (the reference checks them only three or more words into the
    /// message): one containing or following the word replaces its valence, and "kind of",
    /// "sort of" or "just enough" before it dampens it.
    /// </summary>
    private double ApplyIdioms(Span<VaderToken> tokens, int i, double valence)
    {
        // The reference's order: the pairs and triples ending at the word or just before it; the
        // first that is an idiom wins. Then a pair or triple starting at the word overrides.
        if (TrySpecialCase(tokens, i - 1, 2, out double idiom)
            || TrySpecialCase(tokens, i - 2, 3, out idiom)
            || TrySpecialCase(tokens, i - 2, 2, out idiom)
            || TrySpecialCase(tokens, i - 3, 3, out idiom)
            || TrySpecialCase(tokens, i - 3, 2, out idiom))
        {
            valence = idiom;
        }

        if (tokens.Length - 1 > i && TrySpecialCase(tokens, i, 2, out idiom))
        {
            valence = idiom;
        }

        if (tokens.Length - 1 > i + 1 && TrySpecialCase(tokens, i, 3, out idiom))
        {
            valence = idiom;
        }

        // Toward zero whatever the sign, as single-word dampeners do. The reference adds -0.293 to a
        // negative word too, making "sort of bad" worse than "bad" (a deliberate deviation).
        double dampen = valence < 0 ? -VaderRules.BoosterDecrement : VaderRules.BoosterDecrement;
        if (IsDampenerPhrase(tokens, i - 3))
        {
            valence += dampen;
        }

        if (IsDampenerPhrase(tokens, i - 2))
        {
            valence += dampen;
        }

        return valence;
    }

    private bool TrySpecialCase(Span<VaderToken> tokens, int start, int length, out double valence)
    {
        if (tokens[start].PhraseWord != 0)
        {
            foreach ((byte[] words, double value) in _table.SpecialCases)
            {
                if (words.Length == length && Matches(tokens, start, words))
                {
                    valence = value;
                    return true;
                }
            }
        }

        valence = 0;
        return false;
    }

    private bool IsDampenerPhrase(Span<VaderToken> tokens, int start)
    {
        if (tokens[start].PhraseWord != 0)
        {
            foreach (byte[] words in _table.DampenerPhrases)
            {
                if (Matches(tokens, start, words))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Matches(Span<VaderToken> tokens, int start, byte[] words)
    {
        for (int k = 0; k < words.Length; k++)
        {
            if (tokens[start + k].PhraseWord != words[k])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"least" negates ("the least helpful") except in "at least" and "very least".</summary>
    private static double Least(Span<VaderToken> tokens, int i, double valence)
    {
        if (i == 0 || tokens[i - 1].Has(WordFlags.InLexicon) || !tokens[i - 1].Has(WordFlags.Least))
        {
            return valence;
        }

        if (i > 1 && (tokens[i - 2].Has(WordFlags.At) || tokens[i - 2].Has(WordFlags.Very)))
        {
            return valence;
        }

        return valence * VaderRules.NegationScalar;
    }

    /// <summary>After the first "but", what came before counts half and what follows one and a half.</summary>
    private static void WeighAroundBut(Span<VaderToken> tokens)
    {
        int but = -1;
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Has(WordFlags.But))
            {
                but = i;
                break;
            }
        }

        if (but < 0)
        {
            return;
        }

        for (int i = 0; i < but; i++)
        {
            tokens[i].Sentiment *= VaderRules.BeforeButWeight;
        }

        for (int i = but + 1; i < tokens.Length; i++)
        {
            tokens[i].Sentiment *= VaderRules.AfterButWeight;
        }
    }

    private SentimentScore Summarize(ReadOnlySpan<char> text, Span<VaderToken> tokens)
    {
        double sum = 0;
        double positive = 0;
        double negative = 0;
        int neutral = 0;
        int drivers = 0;
        foreach (ref readonly VaderToken token in tokens)
        {
            double s = token.Sentiment;
            sum += s;
            if (s > 0)
            {
                // +1 so that a sentiment word outweighs a neutral word, which counts 1.
                positive += s + 1;
                drivers++;
            }
            else if (s < 0)
            {
                negative += s - 1;
                drivers++;
            }
            else
            {
                neutral++;
            }
        }

        if (drivers == 0)
        {
            // No sentiment at all (or no words): the shared all-neutral result, no allocation.
            return SentimentScore.None;
        }

        double emphasis = PunctuationEmphasis(text);
        if (sum > 0)
        {
            sum += emphasis;
        }
        else if (sum < 0)
        {
            sum -= emphasis;
        }

        double compound = Math.Clamp(sum / Math.Sqrt((sum * sum) + VaderRules.NormalizationAlpha), -1, 1);

        if (positive > Math.Abs(negative))
        {
            positive += emphasis;
        }
        else if (positive < Math.Abs(negative))
        {
            negative -= emphasis;
        }

        double total = positive + Math.Abs(negative) + neutral;
        return new SentimentScore(
            compound,
            Math.Abs(positive / total),
            Math.Abs(negative / total),
            Math.Abs(neutral / total),
            Drivers(text, tokens, Math.Min(drivers, MaxDrivers)));
    }

    /// <summary>Exclamation marks (up to four) and repeated question marks add intensity in the message's direction.</summary>
    private static double PunctuationEmphasis(ReadOnlySpan<char> text)
    {
        // One pass, and not the generic span Count<char>, which boxes until the JIT optimizes it.
        int exclamations = 0;
        int questions = 0;
        foreach (char c in text)
        {
            if (c == '!')
            {
                exclamations++;
            }
            else if (c == '?')
            {
                questions++;
            }
        }

        double emphasis = Math.Min(exclamations, VaderRules.MaxExclamationMarks) * VaderRules.ExclamationIncrement;
        if (questions > 3)
        {
            emphasis += VaderRules.MaxQuestionEmphasis;
        }
        else if (questions > 1)
        {
            emphasis += questions * VaderRules.QuestionIncrement;
        }

        return emphasis;
    }

    /// <summary>The <paramref name="count"/> tokens with the largest |valence|, in that order (earlier first on ties).</summary>
    private SentimentDriver[] Drivers(ReadOnlySpan<char> text, Span<VaderToken> tokens, int count)
    {
        Span<int> top = stackalloc int[MaxDrivers];
        int filled = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            double strength = Math.Abs(tokens[i].Sentiment);
            if (strength == 0 || (filled == count && strength <= Math.Abs(tokens[top[filled - 1]].Sentiment)))
            {
                continue;
            }

            int at = filled == count ? count - 1 : filled++;
            while (at > 0 && Math.Abs(tokens[top[at - 1]].Sentiment) < strength)
            {
                top[at] = top[at - 1];
                at--;
            }

            top[at] = i;
        }

        var drivers = new SentimentDriver[count];
        for (int k = 0; k < count; k++)
        {
            ref VaderToken token = ref tokens[top[k]];
            drivers[k] = new SentimentDriver(WordAsWritten(text.Slice(token.Start, token.Length)), token.Sentiment);
        }

        return drivers;
    }

    /// <summary>The word as written: the lexicon's own string when the message wrote it in lower case, so most drivers cost no allocation.</summary>
    private string WordAsWritten(ReadOnlySpan<char> word)
    {
        // The lookup is ordinal, so a hit means the word was written exactly as the key.
        if (word.Length <= _table.MaxWordLength && _table.Lookup.TryGetValue(word, out WordInfo info))
        {
            return info.Word;
        }

        return word.ToString();
    }
}
