namespace CustomerCraft.Coaching.Scoring;

/// <summary>The phrase lists used when configuration gives none (documented in docs/coaching.md).</summary>
internal static class DefaultPhrases
{
    public static readonly string[] Acknowledgement =
    [
        "I understand", "I can understand", "I completely understand", "I see why", "I can see why", "I hear you",
        "that must be frustrating", "that sounds frustrating", "that is frustrating", "that's frustrating",
        "I know how frustrating", "I'd be upset too", "I would be upset too", "you're right to", "that's not okay",
        "that must have been", "thank you for your patience", "thanks for your patience",
    ];

    public static readonly string[] ApologyAndOwnership =
    [
        "I'm sorry", "I am sorry", "so sorry", "really sorry", "I apologize", "I apologise", "my apologies", "sorry about", "sorry for",
        "I'll take care of", "I will take care of", "let me fix", "I'll fix", "I will fix", "I'll make sure", "I will make sure",
        "I'll sort this", "I'll sort it", "leave it with me", "I'll handle", "I will handle", "I'll make this right", "I will make this right",
    ];

    public static readonly string[] Dismissive =
    [
        "calm down", "as I said", "as I already said", "as I already told you", "I already told you", "like I said",
        "you need to understand", "that's not my department", "not my department", "there's nothing I can do", "there is nothing I can do",
        "nothing I can do", "that's our policy", "it's our policy", "that's just how it is", "you should have read", "you should have checked",
        "you should have called", "you must have done something", "you must have broken",
        "read the manual", "you're wrong", "you are wrong", "it's your fault", "that's your fault", "not our fault",
    ];

    public static readonly string[] Rude =
    [
        "shut up", "stupid", "idiot", "dumb", "not my problem", "just deal with it", "I don't care", "I do not care", "who cares", "get lost",
    ];

    public static readonly string[] CheckUnderstanding =
    [
        "does that make sense", "does that help", "does this help", "is that clear", "did that answer", "does that answer",
        "just to confirm", "to confirm", "let me make sure", "to make sure I understand", "if I understand correctly",
        "is there anything else", "anything else I can", "did I get that right", "have I understood",
    ];

    public static readonly string[] Unsure = ["I don't know", "I do not know", "no idea", "not sure", "I'm not sure", "no clue"];

    public static readonly string[] FindOut =
    [
        "let me find out", "let me check", "I'll find out", "I will find out", "let me look into", "I'll look into", "I will look into",
        "let me ask", "I'll check", "I will check", "let me confirm",
    ];

    public static readonly string[] Commitment = ["I'll", "I will", "I can", "we'll", "we will", "we can", "I'm going to", "I am going to"];

    /// <summary>Words that contain an action word without being the action ("credit card" is not a credit).</summary>
    public static readonly string[] NotAnAction = ["credit card", "debit card", "credit score", "store credit card"];

    /// <summary>Words that turn a commitment into a refusal ("I will not be able to refund").</summary>
    public static readonly string[] Negation = ["not", "never", "cannot", "can't", "won't", "don't", "unable", "couldn't", "wouldn't"];

    public static readonly string[] Escalation =
    [
        "my supervisor", "a supervisor", "my manager", "a manager", "my team lead", "a team lead", "escalate", "escalate this", "escalating",
        "transfer you", "transferring you", "need approval", "get approval", "need to ask my",
    ];

    public static Dictionary<string, List<string>> FollowUps { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Callback"] = ["call you back", "give you a call", "call you tomorrow", "call you later", "ring you back", "phone you"],
        ["Email"] = ["email you", "send you an email", "e-mail you", "send an email"],
        ["FollowUp"] = ["follow up", "get back to you", "update you", "keep you posted"],
    };

    public static Dictionary<string, List<string>> Actions { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Refund"] = ["refund", "refunded", "money back", "reimburse", "reimbursement"],
        ["Credit"] = ["credit", "account credit", "store credit"],
        ["Replacement"] = ["replacement", "replace", "replace it", "new one", "send another", "exchange"],
        ["FeeWaiver"] = ["waive", "waived", "waiver", "remove the fee"],
        ["Goodwill"] = ["voucher", "gift card", "goodwill", "coupon"],
    };
}
