using System.Collections.Frozen;

namespace CustomerCraft.Coaching.Sentiment;

/// <summary>What the rules need to know about a lower-case word, beyond its valence.</summary>
[Flags]
internal enum WordFlags : ushort
{
    None = 0,

    /// <summary>The word is in the lexicon (its valence may still be 0 after the rules).</summary>
    InLexicon = 1 << 0,

    /// <summary>A booster or dampener (<see cref="WordInfo.Booster"/> says which).</summary>
    Booster = 1 << 1,

    /// <summary>A negation word, or a word containing "n't".</summary>
    Negation = 1 << 2,

    No = 1 << 3,
    But = 1 << 4,
    Kind = 1 << 5,
    Of = 1 << 6,
    Least = 1 << 7,
    At = 1 << 8,
    Very = 1 << 9,
    Never = 1 << 10,

    /// <summary>"so" or "this" (as in "never so good").</summary>
    SoOrThis = 1 << 11,
    Without = 1 << 12,
    Doubt = 1 << 13,

    /// <summary>"or" or "nor" (as in "no pain or suffering").</summary>
    OrNor = 1 << 14,
}

/// <summary>Everything known about one lower-case word: one dictionary probe answers every rule.</summary>
/// <param name="Valence">The lexicon valence, 0 when the word is not in the lexicon.</param>
/// <param name="Booster">The booster (positive) or dampener (negative) scalar, 0 for other words.</param>
/// <param name="Flags">The word's roles in the rules.</param>
/// <param name="PhraseWord">The word's id in the idiom and two-word dampener tables, 0 when it is in none.</param>
/// <param name="Word">The word itself, so that a driver written in lower case reuses this string.</param>
internal readonly record struct WordInfo(double Valence, double Booster, WordFlags Flags, byte PhraseWord, string Word);

/// <summary>
/// The lexicon merged with VADER's function words into one frozen dictionary, probed with a
/// lower-cased span so that analysing a message allocates no string per word.
/// </summary>
internal sealed class VaderWordTable
{
    private static readonly Lazy<VaderWordTable> s_default = new(() => new VaderWordTable(VaderLexicon.Default));

    private readonly FrozenDictionary<string, WordInfo> _words;

    public VaderWordTable(IReadOnlyDictionary<string, double> lexicon)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        var words = new Dictionary<string, WordInfo>(lexicon.Count + 128, StringComparer.Ordinal);
        foreach ((string word, double valence) in lexicon)
        {
            words[word] = new WordInfo(valence, 0, WordFlags.InLexicon, 0, word);
        }

        foreach (string word in VaderRules.Negations)
        {
            AddFlags(words, word, WordFlags.Negation);
        }

        foreach (string word in VaderRules.Boosters)
        {
            AddBooster(words, word, VaderRules.BoosterIncrement);
        }

        foreach (string word in VaderRules.Dampeners)
        {
            AddBooster(words, word, VaderRules.BoosterDecrement);
        }

        AddFlags(words, "no", WordFlags.No);
        AddFlags(words, "but", WordFlags.But);
        AddFlags(words, "kind", WordFlags.Kind);
        AddFlags(words, "of", WordFlags.Of);
        AddFlags(words, "least", WordFlags.Least);
        AddFlags(words, "at", WordFlags.At);
        AddFlags(words, "very", WordFlags.Very);
        AddFlags(words, "never", WordFlags.Never);
        AddFlags(words, "so", WordFlags.SoOrThis);
        AddFlags(words, "this", WordFlags.SoOrThis);
        AddFlags(words, "without", WordFlags.Without);
        AddFlags(words, "doubt", WordFlags.Doubt);
        AddFlags(words, "or", WordFlags.OrNor);
        AddFlags(words, "nor", WordFlags.OrNor);

        // Idioms are matched by comparing small word ids rather than strings.
        var ids = new Dictionary<string, byte>(StringComparer.Ordinal);
        SpecialCases = new (byte[], double)[VaderRules.SpecialCases.Length];
        for (int i = 0; i < SpecialCases.Length; i++)
        {
            (string[] phrase, double valence) = VaderRules.SpecialCases[i];
            SpecialCases[i] = (PhraseIds(words, ids, phrase), valence);
        }

        DampenerPhrases = new byte[VaderRules.DampenerPhrases.Length][];
        for (int i = 0; i < DampenerPhrases.Length; i++)
        {
            DampenerPhrases[i] = PhraseIds(words, ids, VaderRules.DampenerPhrases[i]);
        }

        int longest = 0;
        foreach (string word in words.Keys)
        {
            longest = Math.Max(longest, word.Length);
        }

        MaxWordLength = longest;
        _words = words.ToFrozenDictionary(StringComparer.Ordinal);
        Lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The table for the embedded lexicon, built once on first use.</summary>
    public static VaderWordTable Default => s_default.Value;

    /// <summary>Span lookup: the analyser probes with lower-cased slices of the message.</summary>
    public FrozenDictionary<string, WordInfo>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    /// <summary>No longer token can be in the table, so it is not lower-cased or looked up.</summary>
    public int MaxWordLength { get; }

    /// <summary>The idioms as word ids, in the reference's order, with their valence.</summary>
    public (byte[] Words, double Valence)[] SpecialCases { get; }

    /// <summary>"just enough", "kind of", "sort of" as word ids.</summary>
    public byte[][] DampenerPhrases { get; }

    private static void AddFlags(Dictionary<string, WordInfo> words, string word, WordFlags flags)
    {
        WordInfo info = Get(words, word);
        words[word] = info with { Flags = info.Flags | flags };
    }

    private static void AddBooster(Dictionary<string, WordInfo> words, string word, double scalar)
    {
        WordInfo info = Get(words, word);
        words[word] = info with { Booster = scalar, Flags = info.Flags | WordFlags.Booster };
    }

    private static WordInfo Get(Dictionary<string, WordInfo> words, string word) =>
        words.TryGetValue(word, out WordInfo info) ? info : new WordInfo(0, 0, WordFlags.None, 0, word);

    private static byte[] PhraseIds(Dictionary<string, WordInfo> words, Dictionary<string, byte> ids, string[] phrase)
    {
        var result = new byte[phrase.Length];
        for (int i = 0; i < phrase.Length; i++)
        {
            string word = phrase[i];
            if (!ids.TryGetValue(word, out byte id))
            {
                id = checked((byte)(ids.Count + 1));
                ids.Add(word, id);
                words[word] = Get(words, word) with { PhraseWord = id };
            }

            result[i] = id;
        }

        return result;
    }
}
