namespace CustomerCraft.Coaching;

/// <summary>An interaction's scorecard: a score per criterion with its evidence and a tip, critical failures, and the overall result.</summary>
/// <param name="InteractionId">The interaction scored.</param>
/// <param name="Score">The weighted score from 0 to 100 over the criteria that apply; 0 when a critical item failed.</param>
/// <param name="Passed">Whether <paramref name="Score"/> reaches the passing score and no critical item failed.</param>
/// <param name="Criteria">Every criterion, in order, applicable or not.</param>
/// <param name="CriticalFailures">Critical items found (rudeness, a promise beyond the agent's authority); any one fails the scorecard.</param>
public sealed record Scorecard(string InteractionId, double Score, bool Passed, IReadOnlyList<CriterionScore> Criteria, IReadOnlyList<CriticalFailure> CriticalFailures);

/// <summary>How an interaction did on one criterion.</summary>
/// <param name="Criterion">The criterion's name (<c>Empathy</c>, <c>Patience</c>, ...).</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Score">From 0 to 1; <see langword="null"/> when it does not apply to this interaction (nothing to judge it on, or configured not applicable).</param>
/// <param name="Evidence">What the score rests on: turns and the phrases or facts found in them.</param>
/// <param name="Tip">A concrete thing to do differently; <see langword="null"/> when there is nothing to improve.</param>
public sealed record CriterionScore(string Criterion, double Weight, double? Score, IReadOnlyList<Evidence> Evidence, string? Tip);

/// <summary>A piece of evidence.</summary>
/// <param name="Turn">The turn it is in, from 1 (0 for facts about the whole interaction).</param>
/// <param name="Quote">The phrase found, or an excerpt of the turn.</param>
/// <param name="Finding">What it shows.</param>
public sealed record Evidence(int Turn, string Quote, string Finding);

/// <summary>A critical item that fails the whole scorecard.</summary>
/// <param name="Item">What failed: <c>Rudeness</c> or <c>PromiseBeyondAuthority</c>.</param>
/// <param name="Evidence">Where.</param>
/// <param name="Tip">What to do instead.</param>
public sealed record CriticalFailure(string Item, Evidence Evidence, string Tip);

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
/// <param name="Kind">What it is about.</param>
/// <param name="Priority">Higher first; nudges come ranked.</param>
/// <param name="Message">What to tell the agent.</param>
/// <param name="Turn">The turn that raised it, from 1.</param>
public sealed record Nudge(NudgeKind Kind, int Priority, string Message, int Turn);

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
