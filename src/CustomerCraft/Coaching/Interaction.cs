using CustomerCraft.Empowerment;

namespace CustomerCraft.Coaching;

/// <summary>Who said something in a conversation.</summary>
public enum Speaker
{
    /// <summary>The customer.</summary>
    Customer,

    /// <summary>The agent handling the conversation.</summary>
    Agent,

    /// <summary>A bot (before or beside the agent).</summary>
    Bot,
}

/// <summary>One message in a conversation.</summary>
/// <param name="Speaker">Who said it.</param>
/// <param name="Text">What was said.</param>
/// <param name="Timestamp">When.</param>
/// <param name="Channel">The channel (chat, email, phone transcript, ...), when it differs from the interaction's.</param>
public sealed record Turn(Speaker Speaker, string Text, DateTimeOffset Timestamp, string? Channel = null);

/// <summary>What the customer answered in the survey after the interaction; each answer is optional.</summary>
public sealed record SurveyAnswers
{
    /// <summary>Satisfaction on a 1 to 5 scale (CSAT).</summary>
    public int? Satisfaction { get; init; }

    /// <summary>Likelihood to recommend on a 0 to 10 scale (NPS).</summary>
    public int? Recommend { get; init; }

    /// <summary>Ease of getting the problem solved on a 1 to 7 scale (CES; 7 is easiest).</summary>
    public int? Effort { get; init; }
}

/// <summary>
/// A support interaction handed in for review: the transcript, who handled it, what was decided
/// and granted, and what the customer said afterwards.
/// </summary>
public sealed record Interaction
{
    /// <summary>The host's id for the interaction.</summary>
    public required string Id { get; init; }

    /// <summary>The agent who handled it.</summary>
    public required string AgentId { get; init; }

    /// <summary>The agent's empowerment role (a key of <c>Empowerment:Roles</c>).</summary>
    public required string AgentRole { get; init; }

    /// <summary>The agent's team, for metrics per team.</summary>
    public string? TeamId { get; init; }

    /// <summary>The customer.</summary>
    public required string CustomerId { get; init; }

    /// <summary>The escalation case, when there is one.</summary>
    public string? CaseId { get; init; }

    /// <summary>The channel (chat, email, phone, ...).</summary>
    public string? Channel { get; init; }

    /// <summary>The transcript, oldest first.</summary>
    public required IReadOnlyList<Turn> Turns { get; init; }

    /// <summary>Grants made during the interaction.</summary>
    public IReadOnlyList<GrantRecord> Grants { get; init; } = [];

    /// <summary>Follow-ups the agent logged in the host (for example <c>Callback</c>, <c>Email</c>), matched against promises in the transcript.</summary>
    public IReadOnlyList<string> FollowUpsLogged { get; init; } = [];

    /// <summary>Whether the problem was solved in this contact; <see langword="null"/> when unknown.</summary>
    public bool? ResolvedAtFirstContact { get; init; }

    /// <summary>How many times the customer was transferred.</summary>
    public int Transfers { get; init; }

    /// <summary>The survey answers, when the customer answered.</summary>
    public SurveyAnswers? Survey { get; init; }
}
