namespace CustomerCraft.Coaching.Scoring;

/// <summary>What a frustrated customer is upset about, as far as the cue tells.</summary>
internal enum FrustrationKind
{
    /// <summary>Only the score says so: no cue names the cause.</summary>
    General,

    /// <summary>Waiting, or nobody answering.</summary>
    Waiting,

    /// <summary>An order that did not arrive, arrived wrong or damaged.</summary>
    Order,

    /// <summary>A wrong charge.</summary>
    Billing,

    /// <summary>Something that does not work.</summary>
    Malfunction,

    /// <summary>Anger without a named cause ("This is ridiculous", 😡).</summary>
    Anger,

    /// <summary>Profanity: anger in a complaint, praise in "fucking awesome".</summary>
    Profanity,
}
