using System.Globalization;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Coaching.Scoring;

/// <summary>The fixed phrase groups; follow-up kinds and actions get the groups after these.</summary>
internal enum PhraseGroup
{
    Acknowledgement,
    ApologyAndOwnership,
    Dismissive,
    Rude,
    CheckUnderstanding,
    Unsure,
    FindOut,
    Commitment,
    Escalation,
    NotAnAction,
    Negation,
    Frustration,
    NotFrustrated,
    IdentityCheck,
    Granted,
}

/// <summary>The built-in scorecard criteria, in report order.</summary>
internal enum Criterion
{
    Empathy,
    Patience,
    ClearCommunication,
    Reliability,
    Responsiveness,
    PositiveAttitude,
    Knowledge,
}

/// <summary>The coaching options compiled: weights, thresholds and one phrase index for every detector.</summary>
internal sealed class CoachingPolicy
{
    public const int FixedGroups = (int)PhraseGroup.Granted + 1;

    public static readonly string[] CriterionNames = Enum.GetNames<Criterion>();

    /// <summary>The seven qualities' default weights (they sum to 100).</summary>
    public static readonly double[] DefaultWeights = [20, 15, 15, 15, 15, 10, 10];

    public required double[] Weights { get; init; }

    public required bool[] Applicable { get; init; }

    public required double PassingScore { get; init; }

    public required double NegativeSentiment { get; init; }

    public required TimeSpan FirstResponseTarget { get; init; }

    public required TimeSpan ReplyTarget { get; init; }

    public required int LongMessageWords { get; init; }

    public required PhraseIndex Phrases { get; init; }

    /// <summary>Follow-up kinds; kind i is phrase group <see cref="FixedGroups"/> + i.</summary>
    public required string[] FollowUpKinds { get; init; }

    /// <summary>Actions; action i is phrase group <see cref="FixedGroups"/> + <see cref="FollowUpKinds"/>.Length + i.</summary>
    public required string[] Actions { get; init; }

    public required TimeSpan SlaWarning { get; init; }

    public required double RepeatSimilarity { get; init; }

    public int FollowUpGroup(int kind) => FixedGroups + kind;

    public int ActionGroup(int action) => FixedGroups + FollowUpKinds.Length + action;

    public static CoachingPolicy Default { get; } = Compile(new CoachingOptions(), "CustomerCraft:Coaching", null, []) ?? throw new InvalidOperationException("The default coaching options must compile.");

    /// <summary>Compiles the options, adding each error with its path to <paramref name="errors"/>; null when there were errors.</summary>
    public static CoachingPolicy? Compile(CoachingOptions options, string path, IReadOnlyDictionary<string, ActionOptions>? policyActions, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        int before = errors.Count;
        double[] weights = [.. DefaultWeights];
        bool[] applicable = [true, true, true, true, true, true, true];
        foreach ((string name, CriterionOptions? criterion) in options.Criteria ?? [])
        {
            int index = Array.FindIndex(CriterionNames, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                errors.Add($"{path}:Criteria:{name}: '{name}' is not a criterion (use {string.Join(", ", CriterionNames)}).");
                continue;
            }

            if (criterion is null)
            {
                continue;
            }

            if (criterion.Weight is { } weight)
            {
                if (double.IsNaN(weight) || weight < 0 || weight > 1_000)
                {
                    errors.Add($"{path}:Criteria:{name}:Weight: {weight.ToString(CultureInfo.InvariantCulture)} must be between 0 and 1000.");
                }
                else
                {
                    weights[index] = weight;
                }
            }

            applicable[index] = criterion.Applicable;
        }

        bool anyWeight = false;
        for (int i = 0; i < weights.Length; i++)
        {
            anyWeight |= applicable[i] && weights[i] > 0;
        }

        if (!anyWeight && errors.Count == before)
        {
            errors.Add($"{path}:Criteria: every criterion is weightless or not applicable; a scorecard needs at least one.");
        }

        Check(options.PassingScore is >= 0 and <= 100, $"{path}:PassingScore: {options.PassingScore.ToString(CultureInfo.InvariantCulture)} must be between 0 and 100.", errors);
        Check(options.NegativeSentiment is >= -1 and <= 1, $"{path}:NegativeSentiment: {options.NegativeSentiment.ToString(CultureInfo.InvariantCulture)} must be between -1 and 1.", errors);
        Check(options.FirstResponseTarget > TimeSpan.Zero, $"{path}:FirstResponseTarget: {options.FirstResponseTarget} must be positive.", errors);
        Check(options.ReplyTarget > TimeSpan.Zero, $"{path}:ReplyTarget: {options.ReplyTarget} must be positive.", errors);
        Check(options.LongMessageWords >= 1, $"{path}:LongMessageWords: {options.LongMessageWords} must be at least 1.", errors);
        NudgeOptions nudges = options.Nudges ?? new();
        Check(nudges.SlaWarning > TimeSpan.Zero, $"{path}:Nudges:SlaWarning: {nudges.SlaWarning} must be positive.", errors);
        Check(nudges.RepeatSimilarity is > 0 and <= 1, $"{path}:Nudges:RepeatSimilarity: {nudges.RepeatSimilarity.ToString(CultureInfo.InvariantCulture)} must be above 0 and at most 1.", errors);

        CoachingPhraseOptions phrases = options.Phrases ?? new();
        var all = new List<(int Group, string Phrase)>();
        string phrasesPath = $"{path}:Phrases";
        Add(all, PhraseGroup.Acknowledgement, phrases.Acknowledgement, DefaultPhrases.Acknowledgement, phrasesPath, errors);
        Add(all, PhraseGroup.ApologyAndOwnership, phrases.ApologyAndOwnership, DefaultPhrases.ApologyAndOwnership, phrasesPath, errors);
        Add(all, PhraseGroup.Dismissive, phrases.Dismissive, DefaultPhrases.Dismissive, phrasesPath, errors);
        Add(all, PhraseGroup.Rude, phrases.Rude, DefaultPhrases.Rude, phrasesPath, errors);
        Add(all, PhraseGroup.CheckUnderstanding, phrases.CheckUnderstanding, DefaultPhrases.CheckUnderstanding, phrasesPath, errors);
        Add(all, PhraseGroup.Unsure, phrases.Unsure, DefaultPhrases.Unsure, phrasesPath, errors);
        Add(all, PhraseGroup.FindOut, phrases.FindOut, DefaultPhrases.FindOut, phrasesPath, errors);
        Add(all, PhraseGroup.Commitment, phrases.Commitment, DefaultPhrases.Commitment, phrasesPath, errors);
        Add(all, PhraseGroup.Escalation, phrases.Escalation, DefaultPhrases.Escalation, phrasesPath, errors);
        Add(all, PhraseGroup.NotAnAction, null, DefaultPhrases.NotAnAction, phrasesPath, errors);
        Add(all, PhraseGroup.Negation, null, DefaultPhrases.Negation, phrasesPath, errors);
        Add(all, PhraseGroup.Frustration, phrases.Frustration, DefaultPhrases.Frustration, phrasesPath, errors);
        Add(all, PhraseGroup.NotFrustrated, phrases.NotFrustrated, DefaultPhrases.NotFrustrated, phrasesPath, errors);
        Add(all, PhraseGroup.IdentityCheck, phrases.IdentityCheck, DefaultPhrases.IdentityCheck, phrasesPath, errors);
        Add(all, PhraseGroup.Granted, null, DefaultPhrases.Granted, phrasesPath, errors);

        Dictionary<string, List<string>> followUps = phrases.FollowUps is { Count: > 0 } configuredFollowUps ? configuredFollowUps : DefaultPhrases.FollowUps;
        string[] followUpKinds = [.. followUps.Keys];
        int group = FixedGroups;
        foreach (string kind in followUpKinds)
        {
            AddList(all, group++, followUps[kind], $"{phrasesPath}:FollowUps:{kind}", errors);
        }

        // Actions: the configured lists, or the defaults for the actions the empowerment policy has.
        var actions = new List<string>();
        if (phrases.Actions is { Count: > 0 } configuredActions)
        {
            foreach ((string action, List<string> words) in configuredActions)
            {
                if (policyActions is not null && !policyActions.ContainsKey(action))
                {
                    errors.Add($"{phrasesPath}:Actions:{action}: '{action}' is not an action in Empowerment:Actions.");
                    continue;
                }

                actions.Add(action);
                AddList(all, group++, words, $"{phrasesPath}:Actions:{action}", errors);
            }
        }
        else
        {
            foreach ((string action, List<string> words) in DefaultPhrases.Actions)
            {
                if (policyActions is null || policyActions.ContainsKey(action))
                {
                    actions.Add(policyActions?.Keys.First(k => string.Equals(k, action, StringComparison.OrdinalIgnoreCase)) ?? action);
                    AddList(all, group++, words, $"{phrasesPath}:Actions:{action}", errors);
                }
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new CoachingPolicy
        {
            Weights = weights,
            Applicable = applicable,
            PassingScore = options.PassingScore,
            NegativeSentiment = options.NegativeSentiment,
            FirstResponseTarget = options.FirstResponseTarget,
            ReplyTarget = options.ReplyTarget,
            LongMessageWords = options.LongMessageWords,
            Phrases = new PhraseIndex(all, group),
            FollowUpKinds = followUpKinds,
            Actions = [.. actions],
            SlaWarning = nudges.SlaWarning,
            RepeatSimilarity = nudges.RepeatSimilarity,
        };
    }

    private static void Check(bool ok, string error, List<string> errors)
    {
        if (!ok)
        {
            errors.Add(error);
        }
    }

    private static void Add(List<(int, string)> all, PhraseGroup group, List<string>? configured, string[] defaults, string phrasesPath, List<string> errors) =>
        AddList(all, (int)group, configured ?? [.. defaults], $"{phrasesPath}:{group}", errors);

    private static void AddList(List<(int, string)> all, int group, List<string>? phrases, string listPath, List<string> errors)
    {
        if (phrases is null)
        {
            return;
        }

        for (int i = 0; i < phrases.Count; i++)
        {
            string phrase = phrases[i] ?? string.Empty;
            if (TextTokens.Phrase(phrase).Length == 0)
            {
                errors.Add($"{listPath}:{i}: '{phrase}' has no words to match.");
                continue;
            }

            all.Add((group, phrase));
        }
    }
}
