namespace CustomerCraft.Coaching.Scoring;

/// <summary>
/// What an agent could say to a frustrated customer, fitted to what they are upset about: "sorry
/// about the wait" answers a customer who waited, not one who is furious about a broken app.
/// </summary>
internal static class AcknowledgementTip
{
    public static string For(FrustrationKind kind) => kind switch
    {
        FrustrationKind.Waiting => "\"I'm sorry about the wait, that's frustrating. Let me fix it now.\"",
        FrustrationKind.Order => "\"I'm sorry it didn't arrive as it should, that's not okay. Let me put it right.\"",
        FrustrationKind.Billing => "\"I'm sorry about that charge, I can see why you're upset. Let me look at it right now.\"",
        FrustrationKind.Malfunction => "\"I'm sorry it's not working, that's frustrating. Let me get it working for you.\"",
        FrustrationKind.Anger or FrustrationKind.Profanity => "\"I'm sorry, I can hear how frustrated you are, and you're right to expect better. Let me fix this.\"",
        _ => "\"I'm sorry to hear that, I understand. Let me help.\"",
    };
}
