using System.Buffers;
using System.Globalization;
using System.Text;

namespace CustomerCraft.Coaching.Sentiment;

/// <summary>A word of the message with what the rules need to know about it.</summary>
internal struct VaderToken
{
    /// <summary>Where the word starts in the analysed text.</summary>
    public int Start;

    /// <summary>Its length in UTF-16 code units.</summary>
    public int Length;

    /// <summary>Its lexicon valence (0 when not in the lexicon).</summary>
    public double Valence;

    /// <summary>Its booster or dampener scalar (0 for other words).</summary>
    public double Booster;

    /// <summary>Its roles in the rules.</summary>
    public WordFlags Flags;

    /// <summary>Its id in the idiom tables, 0 when it is in none.</summary>
    public byte PhraseWord;

    /// <summary>True when it is written in capitals (as Python's <c>str.isupper</c>: some cased letter, none lower case).</summary>
    public bool IsUpper;

    /// <summary>Its valence after the rules.</summary>
    public double Sentiment;

    public readonly bool Has(WordFlags flag) => (Flags & flag) != 0;
}

/// <summary>
/// VADER's tokenization: split on white space, then strip ASCII punctuation from both ends of each
/// piece unless that leaves two characters or fewer, in which case the piece was most likely an
/// emoticon (":)", ":-(", "&lt;3") and is kept whole. Contractions keep their apostrophe.
/// </summary>
internal static class VaderTokenizer
{
    /// <summary>
    /// Cuts <paramref name="text"/> into <paramref name="tokens"/> (room for
    /// <c>text.Length / 2 + 1</c>) and looks each word up in <paramref name="table"/>.
    /// </summary>
    /// <returns>The number of tokens.</returns>
    public static int Tokenize(ReadOnlySpan<char> text, VaderWordTable table, Span<VaderToken> tokens, out int upperCount)
    {
        // Lexicon words are short: a longer token is never looked up, so this buffer is enough.
        Span<char> lower = stackalloc char[Math.Min(table.MaxWordLength, 64)];
        int count = 0;
        upperCount = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (IsSpace(text[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && !IsSpace(text[i]))
            {
                i++;
            }

            ReadOnlySpan<char> piece = text[start..i];
            int first = 0;
            int end = piece.Length;
            while (first < end && IsAsciiPunctuation(piece[first]))
            {
                first++;
            }

            while (end > first && IsAsciiPunctuation(piece[end - 1]))
            {
                end--;
            }

            if (CodePoints(piece[first..end]) <= 2)
            {
                first = 0;
                end = piece.Length;
            }

            ref VaderToken token = ref tokens[count++];
            token = default;
            token.Start = start + first;
            token.Length = end - first;
            ReadOnlySpan<char> word = text.Slice(token.Start, token.Length);
            token.IsUpper = IsUpper(word);
            if (token.IsUpper)
            {
                upperCount++;
            }

            Describe(word, table, lower, ref token);
        }

        return count;
    }

    /// <summary>Python's <c>str.isspace</c>, which <c>str.split()</c> splits on (it includes U+001C..U+001F, which .NET does not).</summary>
    public static bool IsSpace(char c) =>
        c <= ' '
            ? c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001C' && c <= '\u001F')
            : c >= '\u0085' && char.IsWhiteSpace(c);

    /// <summary>Python's <c>string.punctuation</c>: the 32 ASCII punctuation and symbol characters.</summary>
    public static bool IsAsciiPunctuation(char c) =>
        (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');

    /// <summary>
    /// Python's <c>str.isupper</c>: at least one cased character and no lower-case or title-case
    /// one. So "SUX", "I" and ":D" are upper case, "Today" and ":)" are not. Cased follows
    /// Unicode's derived properties as Python does: Uppercase is Lu plus Other_Uppercase (circled
    /// letters "Ⓐ", Roman numerals "Ⅻ", squared letters "🅰"), Lowercase is Ll plus Other_Lowercase
    /// ("ⓐ", "ⅻ", modifier letters "ª", "ʰ"); letters outside the BMP ("𝐀") count too.
    /// </summary>
    public static bool IsUpper(ReadOnlySpan<char> word)
    {
        bool cased = false;
        for (int i = 0; i < word.Length;)
        {
            char c = word[i];
            if (char.IsAscii(c))
            {
                if (char.IsAsciiLetterLower(c))
                {
                    return false;
                }

                cased |= char.IsAsciiLetterUpper(c);
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(word[i..], out Rune rune, out int used) != OperationStatus.Done)
            {
                i++;
                continue;
            }

            i += used;
            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter || IsOtherLowercase(rune.Value))
            {
                return false;
            }

            cased |= category == UnicodeCategory.UppercaseLetter || IsOtherUppercase(rune.Value);
        }

        return cased;
    }

    /// <summary>Unicode's Other_Uppercase (PropList.txt).</summary>
    private static bool IsOtherUppercase(int c) =>
        c is (>= 0x2160 and <= 0x216F) or (>= 0x24B6 and <= 0x24CF) or (>= 0x1F130 and <= 0x1F149) or (>= 0x1F150 and <= 0x1F169) or (>= 0x1F170 and <= 0x1F189);

    /// <summary>Unicode's Other_Lowercase (PropList.txt).</summary>
    private static bool IsOtherLowercase(int c) =>
        c is 0x00AA or 0x00BA or (>= 0x02B0 and <= 0x02B8) or 0x02C0 or 0x02C1 or (>= 0x02E0 and <= 0x02E4) or 0x0345 or 0x037A or 0x10FC
            or (>= 0x1D2C and <= 0x1D6A) or 0x1D78 or (>= 0x1D9B and <= 0x1DBF) or 0x2071 or 0x207F or (>= 0x2090 and <= 0x209C)
            or (>= 0x2170 and <= 0x217F) or (>= 0x24D0 and <= 0x24E9) or 0x2C7C or 0x2C7D or 0xA69C or 0xA69D or 0xA770 or 0xA7F8 or 0xA7F9
            or (>= 0xAB5C and <= 0xAB5F);

    private static int CodePoints(ReadOnlySpan<char> span)
    {
        if (span.Length <= 2)
        {
            return span.Length;
        }

        int count = 0;
        foreach (char c in span)
        {
            if (!char.IsLowSurrogate(c))
            {
                count++;
            }
        }

        return count;
    }

    private static void Describe(ReadOnlySpan<char> word, VaderWordTable table, Span<char> lower, ref VaderToken token)
    {
        if (word.Length > lower.Length)
        {
            // Too long for any table word, but it can still be a contraction such as "shouldn't".
            if (word.Contains("n't", StringComparison.OrdinalIgnoreCase) || word.Contains("n\u2019t", StringComparison.OrdinalIgnoreCase))
            {
                token.Flags = WordFlags.Negation;
            }

            return;
        }

        Span<char> key = lower[..word.Length];
        bool apostrophe = ToLookupKey(word, key);
        if (table.Lookup.TryGetValue(key, out WordInfo info))
        {
            token.Valence = info.Valence;
            token.Booster = info.Booster;
            token.Flags = info.Flags;
            token.PhraseWord = info.PhraseWord;
        }

        if (apostrophe && key.Contains("n't", StringComparison.Ordinal))
        {
            token.Flags |= WordFlags.Negation;
        }
    }

    /// <summary>
    /// Lower-cases a word for lookup. The right single quotation mark (U+2019), which phone
    /// keyboards type for an apostrophe, is read as "'" so that "don’t" negates as "don't" does;
    /// the reference, written for ASCII tweets, would miss it (a deliberate deviation).
    /// </summary>
    /// <returns>True when the word has an apostrophe (only then can it be a contraction such as "isn't").</returns>
    public static bool ToLookupKey(ReadOnlySpan<char> word, Span<char> destination)
    {
        bool apostrophe = false;
        for (int i = 0; i < word.Length; i++)
        {
            char c = word[i];
            switch (c)
            {
                case >= 'A' and <= 'Z':
                    destination[i] = (char)(c | 0x20);
                    break;
                case '\'' or '\u2019':
                    destination[i] = '\'';
                    apostrophe = true;
                    break;
                case < '\u0080':
                    destination[i] = c;
                    break;
                default:
                    destination[i] = char.ToLowerInvariant(c);
                    break;
            }
        }

        return apostrophe;
    }
}
