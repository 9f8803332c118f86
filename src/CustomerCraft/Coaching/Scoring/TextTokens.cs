using System.Globalization;

namespace CustomerCraft.Coaching.Scoring;

/// <summary>
/// A message cut into lower-case words (letters, digits and apostrophes), each kept as a 64-bit
/// hash so phrases can be matched without allocating a string per word.
/// </summary>
internal sealed class TextTokens
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    private TextTokens(ulong[] hashes, int[] starts, int count, int words)
    {
        Hashes = hashes;
        Starts = starts;
        Count = count;
        Words = words;
    }

    public ulong[] Hashes { get; }

    /// <summary>Where each word starts in the text (a character index).</summary>
    public int[] Starts { get; }

    public int Count { get; }

    /// <summary>Words in the message (tokens with at least one letter or digit).</summary>
    public int Words { get; }

    public static TextTokens Of(string text)
    {
        int tokens = CountTokens(text);
        ulong[] hashes = new ulong[tokens];
        int[] starts = new int[tokens];
        int count = 0;
        ulong hash = Offset;
        bool inToken = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i] == '\u2019' ? '\'' : text[i];
            if (char.IsLetterOrDigit(c) || (c == '\'' && inToken && IsWordCharAt(text, i + 1)))
            {
                if (!inToken)
                {
                    starts[count] = i;
                }

                hash = (hash ^ char.ToLowerInvariant(c)) * Prime;
                inToken = true;
            }
            else if (inToken)
            {
                hashes[count++] = hash;
                hash = Offset;
                inToken = false;
            }
        }

        if (inToken)
        {
            hashes[count++] = hash;
        }

        return new TextTokens(hashes, starts, count, count);
    }

    /// <summary>The hash of one lower-case word, as <see cref="Of"/> computes it.</summary>
    public static ulong HashWord(ReadOnlySpan<char> word)
    {
        ulong hash = Offset;
        foreach (char raw in word)
        {
            char c = raw == '\u2019' ? '\'' : raw;
            hash = (hash ^ char.ToLowerInvariant(c)) * Prime;
        }

        return hash;
    }

    /// <summary>The words of a phrase as hashes (a phrase is tokenized like a message).</summary>
    public static ulong[] Phrase(string phrase)
    {
        TextTokens tokens = Of(phrase);
        return tokens.Hashes[..tokens.Count];
    }

    /// <summary>An apostrophe belongs to a word only between letters ("don't"), not when it closes a quote ('calm down').</summary>
    private static bool IsWordCharAt(string text, int index) => index < text.Length && char.IsLetterOrDigit(text[index]);

    private static int CountTokens(string text)
    {
        int count = 0;
        bool inToken = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i] == '\u2019' ? '\'' : text[i];
            bool part = char.IsLetterOrDigit(c) || (c == '\'' && inToken && IsWordCharAt(text, i + 1));
            if (part && !inToken)
            {
                count++;
            }

            inToken = part;
        }

        return count;
    }

    /// <summary>The largest money amount written in <paramref name="text"/> ("$150", "150 dollars", "EUR 20"), or null.</summary>
    public static decimal? LargestAmount(string text)
    {
        decimal? largest = null;
        foreach ((decimal amount, int _) in Amounts(text))
        {
            largest = largest is null || amount > largest ? amount : largest;
        }

        return largest;
    }

    /// <summary>The money amount written closest to <paramref name="position"/> (a character index), or null.</summary>
    public static decimal? AmountNearest(string text, int position)
    {
        decimal? nearest = null;
        int best = int.MaxValue;
        foreach ((decimal amount, int at) in Amounts(text))
        {
            int distance = Math.Abs(at - position);
            if (distance < best)
            {
                best = distance;
                nearest = amount;
            }
        }

        return nearest;
    }

    /// <summary>
    /// The money amounts in the text with where they start: a number with a currency sign or code
    /// before it or a currency word after it. "1,200.50" and "1.200,50" are both read as 1200.50, and
    /// "12,50" (a comma followed by exactly two digits) as 12.50.
    /// </summary>
    private static List<(decimal Amount, int At)> Amounts(string text)
    {
        var amounts = new List<(decimal, int)>();
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsDigit(text[i]) || (i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == ',')))
            {
                continue;
            }

            int end = i;
            while (end < text.Length && (char.IsDigit(text[end]) || ((text[end] == ',' || text[end] == '.') && end + 1 < text.Length && char.IsDigit(text[end + 1]))))
            {
                end++;
            }

            if ((IsMoneyBefore(text, i) || IsMoneyAfter(text, end)) && ParseNumber(text.AsSpan(i, end - i)) is { } amount)
            {
                amounts.Add((amount, i));
            }

            i = end;
        }

        return amounts;
    }

    private static decimal? ParseNumber(ReadOnlySpan<char> number)
    {
        // The last separator followed by exactly two digits is the decimal point, whichever it is.
        int last = number.LastIndexOfAny('.', ',');
        Span<char> digits = stackalloc char[number.Length];
        int length = 0;
        for (int i = 0; i < number.Length; i++)
        {
            char c = number[i];
            if (char.IsDigit(c))
            {
                digits[length++] = c;
            }
            else if (i == last && number.Length - last - 1 == 2)
            {
                digits[length++] = '.';
            }
        }

        return decimal.TryParse(digits[..length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount) ? amount : null;
    }

    private static bool IsMoneyBefore(string text, int start)
    {
        int j = start - 1;
        while (j >= 0 && text[j] == ' ')
        {
            j--;
        }

        if (j < 0)
        {
            return false;
        }

        if (text[j] is '$' or '\u20AC' or '\u00A3')
        {
            return true;
        }

        int wordEnd = j + 1;
        while (j >= 0 && char.IsLetter(text[j]))
        {
            j--;
        }

        return IsCurrencyWord(text.AsSpan(j + 1, wordEnd - j - 1));
    }

    private static bool IsMoneyAfter(string text, int end)
    {
        int j = end;
        if (j < text.Length && text[j] is '$' or '\u20AC' or '\u00A3')
        {
            return true;
        }

        while (j < text.Length && text[j] == ' ')
        {
            j++;
        }

        int start = j;
        while (j < text.Length && char.IsLetter(text[j]))
        {
            j++;
        }

        return IsCurrencyWord(text.AsSpan(start, j - start));
    }

    private static bool IsCurrencyWord(ReadOnlySpan<char> word) =>
        word.Equals("usd", StringComparison.OrdinalIgnoreCase) || word.Equals("eur", StringComparison.OrdinalIgnoreCase)
        || word.Equals("gbp", StringComparison.OrdinalIgnoreCase) || word.Equals("dollars", StringComparison.OrdinalIgnoreCase)
        || word.Equals("dollar", StringComparison.OrdinalIgnoreCase) || word.Equals("euros", StringComparison.OrdinalIgnoreCase)
        || word.Equals("euro", StringComparison.OrdinalIgnoreCase) || word.Equals("pounds", StringComparison.OrdinalIgnoreCase)
        || word.Equals("bucks", StringComparison.OrdinalIgnoreCase);
}
