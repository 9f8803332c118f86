using System.Collections.Frozen;
using System.Text;

namespace CustomerCraft.Coaching.Sentiment;

/// <summary>
/// Emoji handling as in VADER 3.3: an emoji is replaced by its Unicode (CLDR) short name, and the
/// name's words are then scored like any other ("😢" becomes "crying face", and "crying" is in the
/// lexicon). Western emoticons such as ":)" or ":-(" need nothing here: they are lexicon entries.
/// The reference replaces one code point at a time, so only single-code-point emoji ever match; this
/// table holds those common in support chat, with the names the reference's table uses.
/// </summary>
internal static class VaderEmoji
{
    private static readonly FrozenDictionary<int, string> s_names = new Dictionary<int, string>
    {
        // Faces, as named in the reference's emoji table.
        [0x1F600] = "grinning face",
        [0x1F601] = "beaming face with smiling eyes",
        [0x1F602] = "face with tears of joy",
        [0x1F923] = "rolling on the floor laughing",
        [0x1F603] = "grinning face with big eyes",
        [0x1F604] = "grinning face with smiling eyes",
        [0x1F605] = "grinning face with sweat",
        [0x1F606] = "grinning squinting face",
        [0x1F609] = "winking face",
        [0x1F60A] = "smiling face with smiling eyes",
        [0x1F60B] = "face savoring food",
        [0x1F60E] = "smiling face with sunglasses",
        [0x1F60D] = "smiling face with heart-eyes",
        [0x1F618] = "face blowing a kiss",
        [0x1F970] = "smiling face with 3 hearts",
        [0x1F617] = "kissing face",
        [0x1F619] = "kissing face with smiling eyes",
        [0x1F61A] = "kissing face with closed eyes",
        [0x263A] = "smiling face",
        [0x1F642] = "slightly smiling face",
        [0x1F917] = "hugging face",
        [0x1F929] = "star-struck",
        [0x1F914] = "thinking face",
        [0x1F928] = "face with raised eyebrow",
        [0x1F610] = "neutral face",
        [0x1F611] = "expressionless face",
        [0x1F636] = "face without mouth",
        [0x1F644] = "face with rolling eyes",
        [0x1F60F] = "smirking face",
        [0x1F623] = "persevering face",
        [0x1F625] = "sad but relieved face",
        [0x1F62E] = "face with open mouth",
        [0x1F910] = "zipper-mouth face",
        [0x1F62F] = "hushed face",
        [0x1F62A] = "sleepy face",
        [0x1F62B] = "tired face",
        [0x1F634] = "sleeping face",
        [0x1F60C] = "relieved face",
        [0x1F61B] = "face with tongue",
        [0x1F61C] = "winking face with tongue",
        [0x1F61D] = "squinting face with tongue",
        [0x1F924] = "drooling face",
        [0x1F612] = "unamused face",
        [0x1F613] = "downcast face with sweat",
        [0x1F614] = "pensive face",
        [0x1F615] = "confused face",
        [0x1F643] = "upside-down face",
        [0x1F911] = "money-mouth face",
        [0x1F632] = "astonished face",
        [0x2639] = "frowning face",
        [0x1F641] = "slightly frowning face",
        [0x1F616] = "confounded face",
        [0x1F61E] = "disappointed face",
        [0x1F61F] = "worried face",
        [0x1F624] = "face with steam from nose",
        [0x1F622] = "crying face",
        [0x1F62D] = "loudly crying face",
        [0x1F626] = "frowning face with open mouth",
        [0x1F627] = "anguished face",
        [0x1F628] = "fearful face",
        [0x1F629] = "weary face",
        [0x1F92F] = "exploding head",
        [0x1F62C] = "grimacing face",
        [0x1F630] = "anxious face with sweat",
        [0x1F631] = "face screaming in fear",
        [0x1F975] = "hot face",
        [0x1F976] = "cold face",
        [0x1F633] = "flushed face",
        [0x1F92A] = "zany face",
        [0x1F635] = "dizzy face",
        [0x1F621] = "pouting face",
        [0x1F620] = "angry face",
        [0x1F92C] = "face with symbols on mouth",
        [0x1F637] = "face with medical mask",
        [0x1F912] = "face with thermometer",
        [0x1F915] = "face with head-bandage",
        [0x1F922] = "nauseated face",
        [0x1F92E] = "face vomiting",
        [0x1F927] = "sneezing face",
        [0x1F607] = "smiling face with halo",
        [0x1F920] = "cowboy hat face",
        [0x1F973] = "partying face",
        [0x1F974] = "woozy face",
        [0x1F97A] = "pleading face",
        [0x1F925] = "lying face",
        [0x1F92B] = "shushing face",
        [0x1F92D] = "face with hand over mouth",
        [0x1F9D0] = "face with monocle",
        [0x1F913] = "nerd face",
        [0x1F608] = "smiling face with horns",
        [0x1F47F] = "angry face with horns",
        [0x1F921] = "clown face",
        [0x1F480] = "skull",
        [0x2620] = "skull and crossbones",
        [0x1F4A9] = "pile of poo",
        [0x1F639] = "cat face with tears of joy",
        [0x1F63B] = "smiling cat face with heart-eyes",
        [0x1F63F] = "crying cat face",
        [0x1F63E] = "pouting cat face",
        [0x1F648] = "see-no-evil monkey",

        // Skin tones: the reference spells them out after the hand or person they modify.
        [0x1F3FB] = "light skin tone",
        [0x1F3FC] = "medium-light skin tone",
        [0x1F3FD] = "medium skin tone",
        [0x1F3FE] = "medium-dark skin tone",
        [0x1F3FF] = "dark skin tone",

        // Hands, hearts and symbols (CLDR short names).
        [0x1F44D] = "thumbs up",
        [0x1F44E] = "thumbs down",
        [0x1F44F] = "clapping hands",
        [0x1F64C] = "raising hands",
        [0x1F64F] = "folded hands",
        [0x1F44C] = "OK hand",
        [0x1F44B] = "waving hand",
        [0x1F4AA] = "flexed biceps",
        [0x1F91D] = "handshake",
        [0x1F91E] = "crossed fingers",
        [0x270C] = "victory hand",
        [0x1F595] = "middle finger",
        [0x1F926] = "person facepalming",
        [0x1F937] = "person shrugging",
        [0x1F48B] = "kiss mark",
        [0x1F498] = "heart with arrow",
        [0x1F49D] = "heart with ribbon",
        [0x1F496] = "sparkling heart",
        [0x1F497] = "growing heart",
        [0x1F493] = "beating heart",
        [0x1F49E] = "revolving hearts",
        [0x1F495] = "two hearts",
        [0x1F494] = "broken heart",
        [0x2764] = "red heart",
        [0x1F9E1] = "orange heart",
        [0x1F49B] = "yellow heart",
        [0x1F49A] = "green heart",
        [0x1F499] = "blue heart",
        [0x1F49C] = "purple heart",
        [0x1F5A4] = "black heart",
        [0x1F4AF] = "hundred points",
        [0x1F4A2] = "anger symbol",
        [0x1F4A5] = "collision",
        [0x1F4A4] = "zzz",
        [0x1F389] = "party popper",
        [0x1F525] = "fire",
        [0x2728] = "sparkles",
        [0x2B50] = "star",
        [0x1F31F] = "glowing star",
        [0x2705] = "check mark button",
        [0x274C] = "cross mark",
        [0x26A0] = "warning",
    }.ToFrozenDictionary();

    /// <summary>Every emoji in the table is at or above this code unit (surrogates included).</summary>
    private const char FirstCandidate = '\u2600';

    /// <summary>The short name of a single-code-point emoji, or null.</summary>
    public static string? NameOf(int codePoint) => s_names.GetValueOrDefault(codePoint);

    /// <summary>
    /// The length of <paramref name="text"/> with its emoji spelled out, or -1 when it has none (the
    /// common case: an ASCII message is answered by one vectorized check).
    /// </summary>
    public static int ExpandedLength(ReadOnlySpan<char> text)
    {
        // Not the generic IndexOfAnyInRange<char>: until the JIT optimizes it, it boxes its bounds.
        if (Ascii.IsValid(text))
        {
            return -1;
        }

        int first = 0;
        while (first < text.Length && text[first] < FirstCandidate)
        {
            first++;
        }

        if (first == text.Length)
        {
            return -1;
        }

        bool found = false;
        int length = first;
        bool previousSpace = first == 0 || text[first - 1] == ' ';
        for (int i = first; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text[i..], out Rune rune, out int consumed);
            if (NameOf(rune.Value) is { } name)
            {
                found = true;
                length += (previousSpace ? 0 : 1) + name.Length;
                previousSpace = false;
            }
            else
            {
                length += consumed;
                previousSpace = text[i] == ' ';
            }

            i += consumed;
        }

        return found ? length : -1;
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="destination"/> (of
    /// <see cref="ExpandedLength"/>) with each emoji replaced by its name. As in the reference, a
    /// space goes before a name unless one is already there, but none after it.
    /// </summary>
    public static void Expand(ReadOnlySpan<char> text, Span<char> destination)
    {
        int written = 0;
        bool previousSpace = true;
        for (int i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text[i..], out Rune rune, out int consumed);
            if (text[i] >= FirstCandidate && NameOf(rune.Value) is { } name)
            {
                if (!previousSpace)
                {
                    destination[written++] = ' ';
                }

                name.CopyTo(destination[written..]);
                written += name.Length;
                previousSpace = false;
            }
            else
            {
                text.Slice(i, consumed).CopyTo(destination[written..]);
                written += consumed;
                previousSpace = text[i] == ' ';
            }

            i += consumed;
        }
    }
}
