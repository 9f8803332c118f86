namespace CustomerCraft.Coaching;

/// <summary>An interaction's scorecard: a score per criterion with its evidence and a tip, critical failures, and the overall result.</summary>
public sealed class Scorecard
{
    internal Scorecard(string interactionId, double score, bool passed, IReadOnlyList<CriterionScore> criteria, IReadOnlyList<CriticalFailure> criticalFailures)
    {
        InteractionId = interactionId;
        Score = score;
        Passed = passed;
        Criteria = criteria;
        CriticalFailures = criticalFailures;
    }

    /// <summary>The interaction scored.</summary>
    public string InteractionId { get; }

    /// <summary>The weighted score from 0 to 100 over the criteria that apply; 0 when a critical item failed.</summary>
    public double Score { get; }

    /// <summary>Whether <see cref="Score"/> reaches the passing score and no critical item failed.</summary>
    public bool Passed { get; }

    /// <summary>Every criterion, in order, applicable or not.</summary>
    public IReadOnlyList<CriterionScore> Criteria { get; }

    /// <summary>Critical items found (rudeness, a promise beyond the agent's authority); any one fails the scorecard.</summary>
    public IReadOnlyList<CriticalFailure> CriticalFailures { get; }
}

/// <summary>How an interaction did on one criterion.</summary>
public sealed class CriterionScore
{
    internal CriterionScore(string criterion, double weight, double? score, IReadOnlyList<Evidence> evidence, string? tip)
    {
        Criterion = criterion;
        Weight = weight;
        Score = score;
        Evidence = evidence;
        Tip = tip;
    }

    /// <summary>The criterion's name (<c>Empathy</c>, <c>Patience</c>, ...).</summary>
    public string Criterion { get; }

    /// <summary>Its weight.</summary>
    public double Weight { get; }

    /// <summary>From 0 to 1; <see langword="null"/> when it does not apply to this interaction (nothing to judge it on, or configured not applicable).</summary>
    public double? Score { get; }

    /// <summary>What the score rests on: turns and the phrases or facts found in them.</summary>
    public IReadOnlyList<Evidence> Evidence { get; }

    /// <summary>A concrete thing to do differently; <see langword="null"/> when there is nothing to improve.</summary>
    public string? Tip { get; }
}

/// <summary>A piece of evidence.</summary>
public sealed class Evidence
{
    internal Evidence(int turn, string quote, string finding)
    {
        Turn = turn;
        Quote = quote;
        Finding = finding;
    }

    /// <summary>The turn it is in, from 1 (0 for facts about the whole interaction).</summary>
    public int Turn { get; }

    /// <summary>The phrase found, or an excerpt of the turn.</summary>
    public string Quote { get; }

    /// <summary>What it shows.</summary>
    public string Finding { get; }
}

/// <summary>A critical item that fails the whole scorecard.</summary>
public sealed class CriticalFailure
{
    internal CriticalFailure(string item, Evidence evidence, string tip)
    {
        Item = item;
        Evidence = evidence;
        Tip = tip;
    }

    /// <summary>What failed: <c>Rudeness</c> or <c>PromiseBeyondAuthority</c>.</summary>
    public string Item { get; }

    /// <summary>Where.</summary>
    public Evidence Evidence { get; }

    /// <summary>What to do instead.</summary>
    public string Tip { get; }
}

/// <summary>Who is in a live conversation.</summary>
public sealed record LiveConversationContext
{
    /// <summary>The agent.</summary>
    public required string AgentId { get; init; }

    /// <summary>The agent's empowerment role.</summary>
    public required string AgentRole { get; init; }

    /// <summary>The customer.</summary>
    public required string CustomerId { get; init; }

    /// <summary>The escalation case, when there is one (for SLA nudges).</summary>
    public string? CaseId { get; init; }

    /// <summary>The customer's segment, passed to the empowerment engine for "you may offer" nudges.</summary>
    public string? CustomerSegment { get; init; }

    /// <summary>The channel.</summary>
    public string? Channel { get; init; }
}

/// <summary>What a nudge is about.</summary>
public enum NudgeKind
{
    /// <summary>The agent is about to escalate something within their own authority.</summary>
    OfferWithinAuthority,

    /// <summary>The customer's sentiment turned negative and nothing acknowledged it.</summary>
    AcknowledgeFeelings,

    /// <summary>The case's next SLA deadline is close.</summary>
    SlaDueSoon,

    /// <summary>The customer asked the same thing twice.</summary>
    CustomerRepeated,
}

/// <summary>A live suggestion for the agent.</summary>
public sealed class Nudge
{
    internal Nudge(NudgeKind kind, int priority, string message, int turn)
    {
        Kind = kind;
        Priority = priority;
        Message = message;
        Turn = turn;
    }

    /// <summary>What it is about.</summary>
    public NudgeKind Kind { get; }

    /// <summary>Higher first; nudges come ranked.</summary>
    public int Priority { get; }

    /// <summary>What to tell the agent.</summary>
    public string Message { get; }

    /// <summary>The turn that raised it, from 1.</summary>
    public int Turn { get; }
}

/// <summary>
/// Coaching for interactions: a scorecard after the fact, and nudges while a conversation is live.
/// Thread-safe; a <see cref="LiveConversation"/> is meant for one caller at a time.
/// </summary>
public interface IInteractionCoach
{
    /// <summary>Scores a finished interaction against the configured criteria.</summary>
    ValueTask<Scorecard> ScoreAsync(Interaction interaction, CancellationToken cancellationToken = default);

    /// <summary>Starts following a live conversation; hand it each turn as it happens.</summary>
    LiveConversation StartConversation(LiveConversationContext context);
}
