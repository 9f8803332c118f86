using System.Collections.Frozen;
using System.Globalization;

namespace CustomerCraft.Coaching.Sentiment;

/// <summary>
/// VADER's sentiment lexicon (Hutto and Gilbert 2014, MIT licence): about 7,500 words, emoticons,
/// slang and initialisms, each with the mean of ten human ratings from -4 (extremely negative) to
/// 4 (extremely positive). The file is embedded byte for byte as published (origin and licence in
/// THIRD-PARTY-NOTICES.md); only its first two columns (token, mean rating) are read, the standard
/// deviation and raw ratings are there for provenance.
/// </summary>
internal static class VaderLexicon
{
    /// <summary>The manifest name of the embedded <c>vader_lexicon.txt</c> (set in the project file).</summary>
    internal const string ResourceName = "CustomerCraft.Coaching.Sentiment.vader_lexicon.txt";

    // Parsed on first use only: hosts that never score sentiment never pay for the 420 KB file.
    private static readonly Lazy<FrozenDictionary<string, double>> s_default = new(LoadEmbedded);

    /// <summary>The embedded lexicon, parsed once, keyed by token (ordinal, as written in the file).</summary>
    public static FrozenDictionary<string, double> Default => s_default.Value;

    /// <summary>
    /// Parses lexicon lines (<c>token TAB mean [TAB ...]</c>) the way the reference implementation
    /// does: blank lines are skipped, surrounding white space is trimmed and a later line for the
    /// same token wins (the file rates 14 tokens twice, "lol" at 2.9 then 1.8; the reference keeps
    /// the second rating).
    /// </summary>
    /// <exception cref="FormatException">A line has no tab or its rating is not a number.</exception>
    public static FrozenDictionary<string, double> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entries = new Dictionary<string, double>(8192, StringComparer.Ordinal);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            ReadOnlySpan<char> trimmed = line.AsSpan().Trim();
            if (trimmed.IsEmpty)
            {
                continue;
            }

            int tab = trimmed.IndexOf('\t');
            if (tab <= 0)
            {
                throw new FormatException($"Lexicon line {lineNumber} has no token and rating separated by a tab.");
            }

            ReadOnlySpan<char> rest = trimmed[(tab + 1)..];
            int nextTab = rest.IndexOf('\t');
            ReadOnlySpan<char> rating = nextTab < 0 ? rest : rest[..nextTab];
            if (!double.TryParse(rating, NumberStyles.Float, CultureInfo.InvariantCulture, out double valence))
            {
                throw new FormatException($"Lexicon line {lineNumber} has a rating that is not a number: '{rating}'.");
            }

            entries[trimmed[..tab].ToString()] = valence;
        }

        return entries.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, double> LoadEmbedded()
    {
        using Stream stream = typeof(VaderLexicon).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from {typeof(VaderLexicon).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return Parse(reader);
    }
}
