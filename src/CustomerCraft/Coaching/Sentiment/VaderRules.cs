namespace CustomerCraft.Coaching.Sentiment;

/// <summary>
/// The constants and word lists of VADER's rules (Hutto and Gilbert 2014; vaderSentiment 3.3.2,
/// MIT). The numbers are the paper's empirically derived mean changes in perceived intensity, on the
/// lexicon's -4..4 scale; they are kept exactly so that scores agree with the reference.
/// </summary>
internal static class VaderRules
{
    /// <summary>What a booster ("very", "extremely") adds to the next sentiment word's intensity.</summary>
    public const double BoosterIncrement = 0.293;

    /// <summary>What a dampener ("slightly", "kind of") takes away.</summary>
    public const double BoosterDecrement = -0.293;

    /// <summary>What writing a sentiment word in capitals adds when the rest of the message is not in capitals.</summary>
    public const double CapsIncrement = 0.733;

    /// <summary>A negation does not just flip a word: "not good" is less negative than "bad" is.</summary>
    public const double NegationScalar = -0.74;

    /// <summary>A booster two words before the sentiment word counts 95 %, three words before 90 %.</summary>
    public const double SecondWordDecay = 0.95;

    /// <summary>See <see cref="SecondWordDecay"/>.</summary>
    public const double ThirdWordDecay = 0.9;

    /// <summary>"never so good", "never this good": emphasis, not negation.</summary>
    public const double NeverSoThisEmphasis = 1.25;

    /// <summary>Sentiment before a contrastive "but" weighs half...</summary>
    public const double BeforeButWeight = 0.5;

    /// <summary>...and sentiment after it half as much again.</summary>
    public const double AfterButWeight = 1.5;

    /// <summary>Each exclamation mark, up to <see cref="MaxExclamationMarks"/>.</summary>
    public const double ExclamationIncrement = 0.292;

    /// <summary>More exclamation marks add nothing.</summary>
    public const int MaxExclamationMarks = 4;

    /// <summary>Each question mark when there are two or three (one is a plain question).</summary>
    public const double QuestionIncrement = 0.18;

    /// <summary>Four question marks or more.</summary>
    public const double MaxQuestionEmphasis = 0.96;

    /// <summary>Normalization x / sqrt(x^2 + alpha): alpha approximates the largest expected sum.</summary>
    public const double NormalizationAlpha = 15;

    /// <summary>Words that negate a sentiment word up to three words later (any word containing "n't" does too).</summary>
    public static readonly string[] Negations =
    [
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
        "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
        "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
        "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
        "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
        "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
        "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
        "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    ];

    /// <summary>Degree adverbs that boost the next sentiment word ("very good").</summary>
    public static readonly string[] Boosters =
    [
        "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
        "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
        "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping", "flippin",
        "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully", "fuckin",
        "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely", "incredible",
        "incredibly", "intensely", "major", "majorly", "more", "most", "particularly", "purely",
        "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally",
        "tremendous", "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very",
    ];

    /// <summary>Degree adverbs that dampen the next sentiment word ("slightly annoying").</summary>
    public static readonly string[] Dampeners =
    [
        "almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginal",
        "marginally", "occasional", "occasionally", "partly", "scarce", "scarcely", "slight",
        "slightly", "somewhat", "sorta", "sortof", "sort-of",
    ];

    /// <summary>
    /// Two-word dampeners. A single token never matches them; they act through the idiom check,
    /// which moves a sentiment word 0.293 toward zero when one stands just before it.
    /// </summary>
    public static readonly string[][] DampenerPhrases = [["just", "enough"], ["kind", "of"], ["sort", "of"]];

    /// <summary>
    /// Idioms whose meaning is not the sum of their words: when one contains or is next to a
    /// sentiment word, its valence replaces the word's ("the shit" is praise, "bus stop" is neutral).
    /// The reference also lists the one-word "badass", which as a single token can never match a
    /// phrase (the lexicon scores it), and twelve idioms without a lexicon word that it marks as
    /// future work and never applies; neither is carried over.
    /// </summary>
    public static readonly (string[] Words, double Valence)[] SpecialCases =
    [
        (["the", "shit"], 3),
        (["the", "bomb"], 3),
        (["bad", "ass"], 1.5),
        (["bus", "stop"], 0.0),
        (["yeah", "right"], -2),
        (["kiss", "of", "death"], -1.5),
        (["to", "die", "for"], 3),
        (["beating", "heart"], 3.1),
        (["broken", "heart"], -2.9),
    ];
}
