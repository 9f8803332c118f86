namespace CustomerCraft.Coaching.Scoring;

/// <summary>
/// The words that say what a customer message asks for, reduced so that a request asked again in
/// other words still matches: common words dropped, each word cut to a crude stem ("charged",
/// "charges" and "charge" are one), and a few support synonyms folded together ("price", "cost",
/// "fee"). Two requests match by their overlap over the shorter one, since a repeat is often the
/// short form of the first ("So what is the cost?" after "what is the price for overnight?").
/// </summary>
internal static class RequestWords
{
    private static readonly HashSet<string> s_stopWords = new(
        ("a an and are at be but can could did do does for from had has have how i i'm i've i'd i'll in is it it's me my not of on or our so "
        + "than that the this to was we what when where which who why will with would you your you're am been being they them their its us "
        + "he she his her there here now then if as up out about any some all just still again also really very get got need want like know "
        + "tell help please thanks thank hi hello hey ok okay yes no yeah sure one don't can't won't didn't doesn't isn't anyone someone "
        + "something anything already going let should much many more").Split(' '),
        StringComparer.Ordinal);

    // Stems (as Stem cuts them) that name the same thing in a support conversation.
    private static readonly Dictionary<string, string> s_synonyms = new(StringComparer.Ordinal)
    {
        ["pric"] = "cost", ["fee"] = "cost", ["charg"] = "cost", ["pay"] = "cost", ["paid"] = "cost", ["payment"] = "cost", ["bill"] = "cost",
        ["packag"] = "order", ["parcel"] = "order", ["shipment"] = "order", ["deliver"] = "order", ["delivery"] = "order", ["item"] = "order",
        ["purchas"] = "order",
        ["reimburs"] = "refund", ["reimbursement"] = "refund", ["money"] = "refund",
        ["cancellation"] = "cancel", ["cancell"] = "cancel",
        ["login"] = "log", ["logg"] = "log",
        ["shipp"] = "ship",
        ["speak"] = "talk", ["manager"] = "supervisor",
    };

    // Words that make a message without a question mark a request ("I need my refund").
    private static readonly HashSet<string> s_requestMarkers = new(
        "please need want would like where when what why how can could wondering i'd help asap".Split(' '), StringComparer.Ordinal);

    /// <summary>The request's word stems, or null when the message does not ask for anything.</summary>
    public static HashSet<string>? Of(string text, TextTokens tokens)
    {
        bool request = text.Contains('?', StringComparison.Ordinal);
        HashSet<string>? words = null;
        Span<char> lower = stackalloc char[32];
        for (int i = 0; i < tokens.Count; i++)
        {
            int start = tokens.Starts[i];
            int end = start;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || ((text[end] == '\'' || text[end] == '\u2019') && end + 1 < text.Length && char.IsLetterOrDigit(text[end + 1]))))
            {
                end++;
            }

            if (end - start > lower.Length)
            {
                continue;
            }

            Span<char> word = lower[..(end - start)];
            text.AsSpan(start, end - start).ToLowerInvariant(word);
            word.Replace('\u2019', '\'');
            string token = new(word);
            if (s_requestMarkers.Contains(token))
            {
                request = true;
            }

            if (s_stopWords.Contains(token))
            {
                continue;
            }

            string stem = Stem(token);
            (words ??= new HashSet<string>(StringComparer.Ordinal)).Add(s_synonyms.TryGetValue(stem, out string? same) ? same : stem);
        }

        return request ? words ?? [] : null;
    }

    /// <summary>Shared stems over the stems of the shorter request, from 0 to 1; 0 when either has none.</summary>
    public static double Overlap(HashSet<string> first, HashSet<string> second)
    {
        (HashSet<string> shorter, HashSet<string> longer) = first.Count <= second.Count ? (first, second) : (second, first);
        if (shorter.Count == 0)
        {
            return 0;
        }

        int shared = 0;
        foreach (string word in shorter)
        {
            shared += longer.Contains(word) ? 1 : 0;
        }

        return (double)shared / shorter.Count;
    }

    /// <summary>A crude suffix cut, enough to match "charged" with "charge" and "orders" with "order".</summary>
    internal static string Stem(string word)
    {
        if (word.EndsWith("'s", StringComparison.Ordinal))
        {
            word = word[..^2];
        }

        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return string.Concat(word.AsSpan(0, word.Length - 3), "y");
        }

        foreach (string suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s", "e"])
        {
            if (word.Length - suffix.Length >= 3 && word.EndsWith(suffix, StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }
}
