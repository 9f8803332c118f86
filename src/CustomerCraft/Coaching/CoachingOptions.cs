namespace CustomerCraft.Coaching;

/// <summary>
/// Scorecards and live nudges, bound from <c>CustomerCraft:Coaching</c>. Every setting has a
/// default; see docs/coaching.md for the defaults of the phrase lists.
/// </summary>
public sealed class CoachingOptions
{
    /// <summary>
    /// The scorecard's criteria keyed by name: <c>Empathy</c>, <c>Patience</c>,
    /// <c>ClearCommunication</c>, <c>Reliability</c>, <c>Responsiveness</c>,
    /// <c>PositiveAttitude</c>, <c>Knowledge</c>. A criterion not listed keeps its default weight.
    /// </summary>
    public Dictionary<string, CriterionOptions> Criteria { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The overall score (0 to 100) at or above which a scorecard passes. Default 70.</summary>
    public double PassingScore { get; set; } = 70;

    /// <summary>A customer turn whose compound sentiment is at or below this is negative. Default -0.3.</summary>
    public double NegativeSentiment { get; set; } = -0.3;

    /// <summary>The time the agent has to answer the customer's first message. Default one minute.</summary>
    public TimeSpan FirstResponseTarget { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time the agent has to answer each later customer message. Default two minutes.</summary>
    public TimeSpan ReplyTarget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>An agent message longer than this many words counts against clear communication. Default 60.</summary>
    public int LongMessageWords { get; set; } = 60;

    /// <summary>The default <see cref="MaxTurns"/>: 1,000 turns.</summary>
    public const int DefaultMaxTurns = 1_000;

    /// <summary>The default <see cref="MaxTurnLength"/>: 10,000 characters.</summary>
    public const int DefaultMaxTurnLength = 10_000;

    /// <summary>
    /// The most turns an interaction (or a live conversation) may have; a scorecard of more is
    /// refused with an <see cref="ArgumentException"/> naming this setting, since scoring reads
    /// every turn against every earlier one. At least 1; default 1,000. Read at start-up.
    /// </summary>
    public int MaxTurns { get; set; } = DefaultMaxTurns;

    /// <summary>
    /// The longest text one turn may have, in characters; a longer turn is refused with an
    /// <see cref="ArgumentException"/> naming the turn and this setting. At least 1; default
    /// 10,000. Read at start-up.
    /// </summary>
    public int MaxTurnLength { get; set; } = DefaultMaxTurnLength;

    /// <summary>The phrases the detectors look for; a list left out keeps its defaults.</summary>
    public CoachingPhraseOptions Phrases { get; set; } = new();

    /// <summary>Live nudges.</summary>
    public NudgeOptions Nudges { get; set; } = new();
}

/// <summary>One scorecard criterion.</summary>
public sealed class CriterionOptions
{
    /// <summary>Its weight relative to the others (zero or more). Not set: its default weight.</summary>
    public double? Weight { get; set; }

    /// <summary>Set to <see langword="false"/> to leave the criterion out of every scorecard (not applicable to your channel or team).</summary>
    public bool Applicable { get; set; } = true;
}

/// <summary>
/// Phrase lists, matched on whole words, case-insensitively. Each list left out (null) keeps its
/// defaults; a list given replaces them.
/// </summary>
public sealed class CoachingPhraseOptions
{
    /// <summary>Acknowledging the customer's feelings ("I understand", "that must be frustrating").</summary>
    public List<string>? Acknowledgement { get; set; }

    /// <summary>Apologising and taking ownership ("I'm sorry", "I'll take care of it").</summary>
    public List<string>? ApologyAndOwnership { get; set; }

    /// <summary>Blaming or dismissing the customer ("calm down", "that's not my department").</summary>
    public List<string>? Dismissive { get; set; }

    /// <summary>Rudeness: a critical item that fails the whole scorecard ("shut up", "not my problem").</summary>
    public List<string>? Rude { get; set; }

    /// <summary>Checking understanding ("does that make sense", "just to confirm").</summary>
    public List<string>? CheckUnderstanding { get; set; }

    /// <summary>
    /// Customer complaint cues that make a message frustrated whatever its sentiment score
    /// ("never received", "still waiting", "charged twice", "thanks for nothing", profanity).
    /// </summary>
    public List<string>? Frustration { get; set; }

    /// <summary>
    /// Customer self-blame and polite closings ("my mistake", "have a nice day"): a negative score
    /// whose negative words are all in the sentence of one of these does not make the message frustrated.
    /// </summary>
    public List<string>? NotFrustrated { get; set; }

    /// <summary>
    /// Identity words ("username", "date of birth"): within six words after a check of
    /// understanding, they make it an identity check, which does not count as checking understanding.
    /// </summary>
    public List<string>? IdentityCheck { get; set; }

    /// <summary>Admitting not knowing ("I don't know", "no idea").</summary>
    public List<string>? Unsure { get; set; }

    /// <summary>Following not knowing up ("let me find out", "let me check").</summary>
    public List<string>? FindOut { get; set; }

    /// <summary>Committing to something ("I'll", "I can", "we will"): with an action and an amount, a promise.</summary>
    public List<string>? Commitment { get; set; }

    /// <summary>Handing the customer up ("let me get my supervisor", "I'll escalate this").</summary>
    public List<string>? Escalation { get; set; }

    /// <summary>Promised follow-ups keyed by the follow-up kind the host logs (<c>Callback</c>, <c>Email</c>, <c>FollowUp</c>).</summary>
    public Dictionary<string, List<string>> FollowUps { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Words naming each resolution action, keyed by action (<c>Refund</c>: "refund", "money back"); used to read promises and requests.</summary>
    public Dictionary<string, List<string>> Actions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Live nudges for a conversation in progress.</summary>
public sealed class NudgeOptions
{
    /// <summary>Nudge when the case's next SLA deadline is this close. Default ten minutes.</summary>
    public TimeSpan SlaWarning { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How alike (0 to 1) a customer request must be to one asked before the agent's last reply to
    /// count as asked again: the word stems they share (synonyms folded, common words left out)
    /// over the stems of the shorter request. Default 0.6.
    /// </summary>
    public double RepeatSimilarity { get; set; } = 0.6;
}
