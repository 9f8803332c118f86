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
        "oh no", "I can imagine", "I totally understand", "I understand your frustration", "understandably",
        "that definitely shouldn't be happening", "that shouldn't be happening", "that should not be happening", "shouldn't have happened",
        "should not have happened", "that's not what we want", "not the experience we want",
    ];

    public static readonly string[] ApologyAndOwnership =
    [
        "I'm sorry", "I am sorry", "so sorry", "really sorry", "I apologize", "I apologise", "my apologies", "sorry about", "sorry for",
        "I do apologize", "I do apologise", "we're sorry", "we are sorry", "very sorry", "sorry to hear", "sorry that", "sorry you",
        "we apologize", "we apologise", "apologies for", "sincere apologies", "I'm so sorry", "terribly sorry",
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
        "as I mentioned", "as previously mentioned", "as previously stated", "as I explained", "I already explained", "I've already explained",
        "like I told you", "there's nothing we can do", "there is nothing we can do", "nothing we can do", "out of our hands",
        "we are not responsible", "we're not responsible", "not our responsibility", "you failed to",
        "you will have to wait", "you'll have to wait", "you'll just have to", "you will just have to", "that's not possible", "that is not possible",
        "please be patient", "you didn't read", "you did not read",
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
        "help you with anything else", "help with anything else", "assist you with anything else", "anything else you need",
        "will that be all", "is that all", "just to verify", "to verify", "let me confirm", "does that work", "did that work",
        "did that help", "did that fix", "did that solve", "did that resolve", "does that solve", "does that resolve", "is that okay",
        "is that ok", "any other questions", "any questions",
    ];

    /// <summary>
    /// Words that turn a check phrase into an identity check ("to confirm your username"): found
    /// within a few words after the check, the check is about who the customer is, not whether
    /// they understood.
    /// </summary>
    public static readonly string[] IdentityCheck =
    [
        "username", "user name", "email address", "your email", "your name", "full name", "your address", "billing address",
        "account number", "account holder", "phone number", "your phone", "date of birth", "birthday", "zip code", "postcode",
        "postal code", "pin", "password", "security question", "last four", "last 4", "order number", "your id", "identity",
        "card number", "the email on", "the name on", "who I'm speaking", "who I am speaking",
    ];

    /// <summary>
    /// What a frustrated customer writes without sentiment words: complaints made of neutral words
    /// ("still waiting", "charged twice"), malfunctions that sarcasm wraps in praise ("freezes every
    /// five minutes! Love the new update"), sarcastic thanks, and profanity, which in a complaint
    /// intensifies rather than praises.
    /// </summary>
    public static readonly (FrustrationKind Kind, string[] Phrases)[] FrustrationByKind =
    [
        // Things that did not happen.
        (FrustrationKind.Order,
        [
            "never received", "never got", "never arrived", "never came", "never showed up", "hasn't arrived", "has not arrived",
            "haven't received", "have not received", "didn't receive", "did not receive", "didn't arrive", "did not arrive",
            "didn't get", "did not get", "not received", "not arrived", "wrong item", "wrong order", "is missing", "are missing", "was missing", "were missing", "damaged",
        ]),
        // Waiting.
        (FrustrationKind.Waiting,
        [
            "still waiting", "still haven't", "still have not", "still hasn't", "still has not", "still not", "still no",
            "still can't", "still cannot", "still don't", "still doesn't", "still broken", "been waiting", "waiting for weeks",
            "waiting for days", "waited for", "how much longer", "how long do I have to", "how many more times", "never heard back",
            "never got back", "never called", "nobody called", "no one called", "nobody has", "no one has", "no response", "no reply",
            "no answer", "no one answers", "nobody answers", "no update", "no updates",
        ]),
        // Billing.
        (FrustrationKind.Billing,
        [
            "charged twice", "charged me twice", "double charged", "charged double", "overcharged", "charged me again", "charged again",
            "took my money", "stole my money",
        ]),
        // Things that do not work.
        (FrustrationKind.Malfunction,
        [
            "doesn't work", "does not work", "didn't work", "did not work", "not working", "won't work", "stopped working",
            "isn't working", "is not working", "won't load", "doesn't load", "keeps crashing", "crashes", "crashed", "crashing",
            "freezes", "froze", "freezing", "keeps freezing", "broken", "can't log in", "cannot log in", "can't login", "cannot login",
            "can't access", "cannot access", "locked out",
        ]),
        // Anger and sarcasm.
        (FrustrationKind.Anger,
        [
            "how dare", "unacceptable", "ridiculous", "ridiculously", "furious", "fed up", "sick of", "tired of", "waste of time",
            "wasted my time", "joke", "scam", "rip off", "ripoff", "useless", "pathetic", "incompetent", "worst", "disgusting",
            "thanks for nothing", "thank you for nothing", "great job not", "yeah right", "what a surprise", "again and again",
            "for the third time", "third time", "over and over", "are you kidding",
            "you're kidding", "unbelievable", "nonsense", "never again", "complaint", "complain",
        ]),
        // Profanity.
        (FrustrationKind.Profanity,
        [
            "fuck", "fucking", "fucked", "fuckin", "wtf", "ffs", "shit", "shitty", "bullshit", "crap", "crappy", "damn", "goddamn",
            "dammit", "pissed", "pissed off", "bloody",
        ]),
    ];

    public static readonly string[] Frustration = [.. FrustrationByKind.SelectMany(k => k.Phrases)];

    /// <summary>
    /// What makes a negative score not a complaint: the customer blaming themselves ("it was my
    /// error") or closing politely ("Nope. Have a nice day.", where VADER lets "nope" negate the
    /// next sentence). They clear only a score, never a complaint of <see cref="Frustration"/>.
    /// </summary>
    public static readonly string[] NotFrustrated =
    [
        "my error", "my mistake", "my fault", "my bad", "I made a mistake", "I made an error", "I messed up", "I forgot",
        "I was wrong", "I misread", "I mistyped", "silly me", "my apologies", "sorry to bother", "sorry for the trouble",
        "have a nice day", "have a good day", "have a great day", "have a nice evening", "have a good one", "have a good night",
        "no problem", "no worries", "no rush", "not a problem", "no hurry", "not bad", "nothing else", "that's all",
        "no thanks", "no thank you", "thanks anyway", "thank you anyway",
    ];

    public static readonly string[] Unsure = ["I don't know", "I do not know", "no idea", "not sure", "I'm not sure", "no clue"];

    public static readonly string[] FindOut =
    [
        "let me find out", "let me check", "I'll find out", "I will find out", "let me look into", "I'll look into", "I will look into",
        "let me ask", "I'll check", "I will check", "let me confirm",
    ];

    /// <summary>
    /// A commitment, or a grant already made ("I went ahead and refunded", "I've issued a credit"):
    /// both bind the company and are checked against the agent's authority.
    /// </summary>
    public static readonly string[] Commitment =
    [
        "I'll", "I will", "I can", "we'll", "we will", "we can", "I'm going to", "I am going to",
        "I went ahead", "I've gone ahead", "I have gone ahead", "I've", "I have", "we've", "we have", "I just", "I already",
        "I processed", "I issued", "I applied", "I added", "I sent", "I gave", "has been", "have been",
    ];

    /// <summary>
    /// The commitments that report a grant already made: the customer now expects it, so it must
    /// be recorded on the interaction (<see cref="Interaction.Grants"/>).
    /// </summary>
    public static readonly string[] Granted =
    [
        "I went ahead", "I've gone ahead", "I have gone ahead", "I've", "I have", "we've", "we have", "I just", "I already",
        "I processed", "I issued", "I applied", "I added", "I sent", "I gave", "has been", "have been",
    ];

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
        ["Callback"] =
        [
            "call you back", "give you a call", "call you tomorrow", "call you later", "ring you back", "phone you", "will call you",
            "you'll receive a call", "you will receive a call", "you'll get a call", "you will get a call", "will give you a call",
            "someone will call", "will be calling you", "expect a call",
        ],
        ["Email"] =
        [
            "email you", "send you an email", "e-mail you", "send an email", "you'll receive an email", "you will receive an email",
            "you'll get an email", "you will get an email", "you'll receive an e-mail", "you will receive an e-mail",
            "you'll receive a confirmation email", "you will receive a confirmation email", "an email will be sent", "will be emailed",
            "send you a confirmation", "expect an email", "look out for an email", "watch for an email",
        ],
        ["FollowUp"] =
        [
            "follow up", "get back to you", "update you", "keep you posted", "will notify you", "will let you know", "will be in touch",
            "will contact you", "will reach out", "will keep you updated", "will update you", "will inform you", "you'll be notified",
            "you will be notified", "you'll hear from", "you will hear from", "will hear back", "will get in touch",
        ],
    };

    public static Dictionary<string, List<string>> Actions { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Refund"] = ["refund", "refunded", "money back", "reimburse", "reimbursed", "reimbursement"],
        ["Credit"] = ["credit", "credited", "account credit", "store credit"],
        ["Replacement"] = ["replacement", "replace", "replaced", "replace it", "new one", "send another", "exchange"],
        ["FeeWaiver"] = ["waive", "waived", "waiver", "remove the fee", "removed the fee"],
        ["Goodwill"] = ["voucher", "gift card", "goodwill", "coupon"],
    };
}
