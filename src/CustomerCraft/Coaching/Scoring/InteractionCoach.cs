using System.Globalization;
using CustomerCraft.Coaching.Sentiment;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Escalation;
using CustomerCraft.Policy;
using CustomerCraft.Storage;

namespace CustomerCraft.Coaching.Scoring;

/// <summary>The <see cref="IInteractionCoach"/>: detectors over analysed turns, weighted into a scorecard.</summary>
internal sealed class InteractionCoach(
    ISentimentAnalyzer sentiment,
    IResolutionAuthority authority,
    PolicyProvider policy,
    ICaseStore cases,
    TimeProvider time,
    CoachingLimits? limits = null) : IInteractionCoach
{
    internal CoachingLimits Limits { get; } = limits ?? CoachingLimits.Default;

    internal ISentimentAnalyzer Sentiment => sentiment;

    internal IResolutionAuthority Authority => authority;

    internal PolicyProvider Policy => policy;

    internal ICaseStore Cases => cases;

    internal TimeProvider Time => time;

    public async ValueTask<Scorecard> ScoreAsync(Interaction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(interaction.Turns, "interaction.Turns");
        Limits.CheckInteraction(interaction);
        PolicySnapshot snapshot = policy.Current;
        RequireRole(snapshot, interaction.AgentRole, "interaction.AgentRole");
        CoachingPolicy coaching = snapshot.Coaching;

        var turns = new TurnAnalysis[interaction.Turns.Count];
        for (int i = 0; i < turns.Length; i++)
        {
            turns[i] = await TurnAnalysis.AnalyzeAsync(interaction.Turns[i], i, coaching, sentiment, cancellationToken).ConfigureAwait(false);
        }

        var criteria = new CriterionScore[CoachingPolicy.CriterionNames.Length];
        criteria[(int)Criterion.Empathy] = Empathy(turns, coaching);
        criteria[(int)Criterion.Patience] = Patience(turns, coaching);
        criteria[(int)Criterion.ClearCommunication] = ClearCommunication(turns, coaching);
        criteria[(int)Criterion.Reliability] = Reliability(turns, coaching, interaction);
        criteria[(int)Criterion.Responsiveness] = Responsiveness(turns, coaching);
        criteria[(int)Criterion.PositiveAttitude] = PositiveAttitude(turns, coaching);
        criteria[(int)Criterion.Knowledge] = Knowledge(turns, coaching, interaction);
        if (Array.TrueForAll(turns, t => !t.IsAgent))
        {
            // Nothing the agent did to judge: patience and knowledge are not a free pass.
            foreach (Criterion silent in (ReadOnlySpan<Criterion>)[Criterion.Patience, Criterion.Knowledge])
            {
                criteria[(int)silent] = NotScored(criteria[(int)silent], "the agent wrote nothing");
            }
        }

        for (int i = 0; i < criteria.Length; i++)
        {
            if (!coaching.Applicable[i])
            {
                criteria[i] = NotScored(criteria[i], "not applicable (configured)");
            }
        }

        List<CriticalFailure> critical = Rudeness(turns);
        critical.AddRange(await PromisesBeyondAuthorityAsync(turns, coaching, interaction, cancellationToken).ConfigureAwait(false));

        double weighted = 0, weights = 0;
        foreach (CriterionScore criterion in criteria)
        {
            if (criterion.Score is { } score && criterion.Weight > 0)
            {
                weighted += score * criterion.Weight;
                weights += criterion.Weight;
            }
        }

        double total = critical.Count > 0 || weights == 0 ? 0 : Math.Round(100 * weighted / weights, 1);
        return new Scorecard(interaction.Id, total, critical.Count == 0 && weights > 0 && total >= coaching.PassingScore, criteria, critical);
    }

    public LiveConversation StartConversation(LiveConversationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(context.AgentId, "context.AgentId");
        ArgumentException.ThrowIfNullOrWhiteSpace(context.CustomerId, "context.CustomerId");
        RequireRole(policy.Current, context.AgentRole, "context.AgentRole");
        return new LiveConversation(this, context);
    }

    internal static void RequireRole(PolicySnapshot snapshot, string? role, string paramName)
    {
        if (string.IsNullOrWhiteSpace(role) || !snapshot.RoleIndex.ContainsKey(role))
        {
            throw new ArgumentException($"Role '{role}' is not configured under CustomerCraft:Empowerment:Roles.", paramName);
        }
    }

    /// <summary>The criterion as not applicable: no score, no tip, and why as its only evidence.</summary>
    private static CriterionScore NotScored(CriterionScore criterion, string why) =>
        new(criterion.Criterion, criterion.Weight, score: null, [new Evidence(0, string.Empty, why)], tip: null);

    private static CriterionScore Empathy(TurnAnalysis[] turns, CoachingPolicy coaching)
    {
        var evidence = new List<Evidence>();
        int negative = 0, acknowledged = 0;
        TurnAnalysis? missed = null;
        for (int i = 0; i < turns.Length;)
        {
            if (turns[i].IsAgent)
            {
                i++;
                continue;
            }

            // Chat customers write several lines before the agent answers: the lines up to the
            // agent's reply are one block, answered (or not) by that reply.
            TurnAnalysis? upset = null;
            int reply = i;
            for (; reply < turns.Length && !turns[reply].IsAgent; reply++)
            {
                upset ??= turns[reply].IsCustomer && turns[reply].Frustration.IsFrustrated ? turns[reply] : null;
            }

            i = reply;
            if (upset is null)
            {
                continue;
            }

            negative++;
            TurnAnalysis? acknowledging = null;
            PhraseHit hit = default;
            for (int j = reply; j < turns.Length && !turns[j].IsCustomer && acknowledging is null; j++)
            {
                if (turns[j].IsAgent)
                {
                    hit = turns[j].Hit(PhraseGroup.Acknowledgement);
                    hit = hit.Found ? hit : turns[j].Hit(PhraseGroup.ApologyAndOwnership);
                    acknowledging = hit.Found ? turns[j] : null;
                }
            }

            if (acknowledging is not null)
            {
                acknowledged++;
                evidence.Add(new Evidence(acknowledging.Number, hit.Phrase!, $"acknowledged the customer's negative message in turn {upset.Number}"));
            }
            else
            {
                missed ??= upset;
                evidence.Add(new Evidence(upset.Number, upset.Excerpt(), $"negative ({Cues(upset)}) and not acknowledged before the customer wrote again"));
            }
        }

        if (negative == 0)
        {
            return new CriterionScore(nameof(Criterion.Empathy), coaching.Weights[(int)Criterion.Empathy], null, [new Evidence(0, string.Empty, "no negative customer message to respond to")], null);
        }

        string? tip = missed is null ? null
            : $"After \"{missed.Excerpt(60)}\" (turn {missed.Number}), acknowledge the feeling before solving: {AcknowledgementTip.For(missed.Frustration.Kind)}";
        return new CriterionScore(nameof(Criterion.Empathy), coaching.Weights[(int)Criterion.Empathy], (double)acknowledged / negative, evidence, tip);
    }

    /// <summary>What made a customer turn negative, for evidence: its sentiment and the cues.</summary>
    internal static string Cues(TurnAnalysis turn) =>
        $"{Format(turn.Sentiment!.Compound)}; {string.Join(", ", turn.Frustration.Cues.Take(3).Select(c => $"\"{c}\""))}";

    private static CriterionScore Patience(TurnAnalysis[] turns, CoachingPolicy coaching)
    {
        var evidence = new List<Evidence>();
        string? first = null;
        foreach (TurnAnalysis turn in turns)
        {
            if (turn.IsAgent && turn.Hit(PhraseGroup.Dismissive) is { Found: true } hit)
            {
                first ??= hit.Phrase;
                evidence.Add(new Evidence(turn.Number, hit.Phrase!, "dismissive or blaming"));
            }
        }

        double score = Math.Max(0, 1 - (0.35 * evidence.Count));
        if (evidence.Count == 0)
        {
            evidence.Add(new Evidence(0, string.Empty, "no dismissive or blaming phrase"));
        }

        string? tip = first is null ? null : $"Instead of \"{first}\", say what you can do: \"Here's what I can do for you right now.\"";
        return new CriterionScore(nameof(Criterion.Patience), coaching.Weights[(int)Criterion.Patience], score, evidence, tip);
    }

    private static CriterionScore ClearCommunication(TurnAnalysis[] turns, CoachingPolicy coaching)
    {
        var evidence = new List<Evidence>();
        bool anyAgent = false, checkedUnderstanding = false;
        int longMessages = 0;
        TurnAnalysis? longest = null;
        foreach (TurnAnalysis turn in turns)
        {
            if (!turn.IsAgent)
            {
                continue;
            }

            anyAgent = true;
            if (!checkedUnderstanding && ChecksUnderstanding(turn) is { Found: true } hit)
            {
                checkedUnderstanding = true;
                evidence.Add(new Evidence(turn.Number, hit.Phrase!, "checked the customer's understanding"));
            }

            if (turn.Tokens.Words > coaching.LongMessageWords)
            {
                longMessages++;
                longest = longest is null || turn.Tokens.Words > longest.Tokens.Words ? turn : longest;
                evidence.Add(new Evidence(turn.Number, turn.Excerpt(40), $"{turn.Tokens.Words} words in one message"));
            }
        }

        if (!anyAgent)
        {
            return new CriterionScore(nameof(Criterion.ClearCommunication), coaching.Weights[(int)Criterion.ClearCommunication], null, [new Evidence(0, string.Empty, "the agent wrote nothing")], null);
        }

        if (!checkedUnderstanding)
        {
            evidence.Add(new Evidence(0, string.Empty, "never checked that the customer understood"));
        }

        double score = Math.Clamp((checkedUnderstanding ? 1 : 0.6) - (0.15 * longMessages), 0, 1);
        string? tip = !checkedUnderstanding ? "Close the loop before ending: ask \"Does that solve it for you?\""
            : longest is not null ? $"Turn {longest.Number} has {longest.Tokens.Words} words: split long answers into short steps."
            : null;
        return new CriterionScore(nameof(Criterion.ClearCommunication), coaching.Weights[(int)Criterion.ClearCommunication], score, evidence, tip);
    }

    /// <summary>
    /// The turn's check of understanding, unless it checks who the customer is instead ("to
    /// confirm your username", "just to verify the email on the account"): an identity word within
    /// a few words after the check phrase.
    /// </summary>
    internal static PhraseHit ChecksUnderstanding(TurnAnalysis turn)
    {
        const int IdentityWindow = 6;
        PhraseHit hit = turn.Hit(PhraseGroup.CheckUnderstanding);
        PhraseHit identity = turn.Hit(PhraseGroup.IdentityCheck);
        return hit.Found && identity.Found && identity.Token > hit.Token && identity.Token <= hit.Token + IdentityWindow ? default : hit;
    }

    private static CriterionScore Reliability(TurnAnalysis[] turns, CoachingPolicy coaching, Interaction interaction)
    {
        var evidence = new List<Evidence>();
        int promised = 0, kept = 0;
        string? broken = null;
        foreach (TurnAnalysis turn in turns)
        {
            if (!turn.IsAgent)
            {
                continue;
            }

            for (int k = 0; k < coaching.FollowUpKinds.Length; k++)
            {
                if (turn.Hits[coaching.FollowUpGroup(k)] is not { Found: true } hit)
                {
                    continue;
                }

                string kind = coaching.FollowUpKinds[k];
                promised++;
                if (Contains(interaction.FollowUpsLogged, kind))
                {
                    kept++;
                    evidence.Add(new Evidence(turn.Number, hit.Phrase!, $"promised; a {kind} was logged"));
                }
                else
                {
                    broken ??= $"You promised \"{hit.Phrase}\" (turn {turn.Number}) but no {kind} was logged: log it when you promise it, so it happens.";
                    evidence.Add(new Evidence(turn.Number, hit.Phrase!, $"promised; no {kind} was logged"));
                }
            }
        }

        foreach (TurnAnalysis turn in turns)
        {
            // "I went ahead and refunded $69" tells the customer it is done: unless a grant records
            // it, nothing will make it happen.
            if (!turn.IsAgent || StatedGrant(turn, coaching) is not (int action, decimal amount))
            {
                continue;
            }

            string actionName = coaching.Actions[action];
            promised++;
            if (Covered(interaction.Grants, actionName, amount))
            {
                kept++;
                evidence.Add(new Evidence(turn.Number, turn.Excerpt(60), $"said {actionName} {Format(amount)} was granted; a grant records it"));
            }
            else
            {
                broken ??= $"You told the customer {actionName} {Format(amount)} was done (turn {turn.Number}) but no grant was recorded: record the grant when you make it, so it happens.";
                evidence.Add(new Evidence(turn.Number, turn.Excerpt(60), $"said {actionName} {Format(amount)} was granted; no grant was recorded"));
            }
        }

        return promised == 0
            ? new CriterionScore(nameof(Criterion.Reliability), coaching.Weights[(int)Criterion.Reliability], null, [new Evidence(0, string.Empty, "no follow-up promised and no grant stated")], null)
            : new CriterionScore(nameof(Criterion.Reliability), coaching.Weights[(int)Criterion.Reliability], (double)kept / promised, evidence, broken);
    }

    private static CriterionScore Responsiveness(TurnAnalysis[] turns, CoachingPolicy coaching)
    {
        var evidence = new List<Evidence>();
        int responses = 0, onTime = 0;
        TimeSpan slowest = TimeSpan.Zero;
        int slowestTurn = 0;
        TimeSpan slowestTarget = TimeSpan.Zero;
        DateTimeOffset? waitingSince = null;
        foreach (TurnAnalysis turn in turns)
        {
            if (turn.IsCustomer)
            {
                waitingSince ??= turn.Turn.Timestamp;
            }
            else if (turn.IsAgent && waitingSince is { } since)
            {
                TimeSpan target = responses == 0 ? coaching.FirstResponseTarget : coaching.ReplyTarget;
                TimeSpan took = turn.Turn.Timestamp - since;
                responses++;
                if (took <= target)
                {
                    onTime++;
                }
                else if (took - target > slowest - slowestTarget)
                {
                    slowest = took;
                    slowestTarget = target;
                    slowestTurn = turn.Number;
                }

                waitingSince = null;
            }
        }

        if (waitingSince is not null)
        {
            // The customer's last message(s) were never answered: a reply that never came is late.
            responses++;
            evidence.Add(new Evidence(turns.Length, string.Empty, "the customer's last message was never answered"));
            slowestTurn = slowestTurn == 0 ? -1 : slowestTurn;
        }

        if (responses == 0)
        {
            return new CriterionScore(nameof(Criterion.Responsiveness), coaching.Weights[(int)Criterion.Responsiveness], null, [new Evidence(0, string.Empty, "the customer wrote nothing the agent had to answer")], null);
        }

        evidence.Insert(0, new Evidence(0, string.Empty, $"{onTime} of {responses} replies within target (first {Format(coaching.FirstResponseTarget)}, then {Format(coaching.ReplyTarget)})"));
        string? tip = slowestTurn < 0 ? "The customer's last message was never answered: always close with a reply, even if it is \"I'm on it\"." : null;
        if (slowestTurn > 0)
        {
            evidence.Add(new Evidence(slowestTurn, string.Empty, $"reply took {Format(slowest)} (target {Format(slowestTarget)})"));
            tip = $"The reply in turn {slowestTurn} took {Format(slowest)} (target {Format(slowestTarget)}): when a lookup takes time, send a quick holding line (\"Checking that now, one moment\").";
        }

        return new CriterionScore(nameof(Criterion.Responsiveness), coaching.Weights[(int)Criterion.Responsiveness], (double)onTime / responses, evidence, tip);
    }

    private static CriterionScore PositiveAttitude(TurnAnalysis[] turns, CoachingPolicy coaching)
    {
        var customer = new List<TurnAnalysis>();
        foreach (TurnAnalysis turn in turns)
        {
            if (turn.IsCustomer)
            {
                customer.Add(turn);
            }
        }

        if (customer.Count < 2)
        {
            return new CriterionScore(nameof(Criterion.PositiveAttitude), coaching.Weights[(int)Criterion.PositiveAttitude], null, [new Evidence(0, string.Empty, "fewer than two customer messages: no trend to read")], null);
        }

        int window = customer.Count >= 4 ? 2 : 1;
        double start = 0, end = 0;
        for (int i = 0; i < window; i++)
        {
            start += customer[i].Sentiment!.Compound / window;
            end += customer[^(i + 1)].Sentiment!.Compound / window;
        }

        double score = Math.Clamp(((end + 1) / 2) + (Math.Max(0, end - start) / 2), 0, 1);
        Evidence[] evidence =
        [
            new Evidence(customer[0].Number, customer[0].Excerpt(60), $"customer sentiment at the start {Format(start)}"),
            new Evidence(customer[^1].Number, customer[^1].Excerpt(60), $"customer sentiment at the end {Format(end)}"),
        ];
        string? tip = end < start - 0.05
            ? "The customer ended less happy than they started: before closing, sum up what you did and what happens next."
            : end < 0.05 ? "The customer never got to a positive note: end with the concrete outcome (\"Your refund is on its way, you'll see it in 3 days\")."
            : null;
        return new CriterionScore(nameof(Criterion.PositiveAttitude), coaching.Weights[(int)Criterion.PositiveAttitude], score, evidence, tip);
    }

    private static CriterionScore Knowledge(TurnAnalysis[] turns, CoachingPolicy coaching, Interaction interaction)
    {
        var evidence = new List<Evidence>();
        double score = 1;
        string? tip = null;
        if (interaction.ResolvedAtFirstContact is { } resolved)
        {
            evidence.Add(new Evidence(0, string.Empty, resolved ? "resolved at first contact" : "not resolved at first contact"));
            if (!resolved)
            {
                score -= 0.5;
                tip = "The problem was not solved in this contact: check the knowledge base and your authority (headroom) before ending or handing over.";
            }
        }

        if (interaction.Transfers > 0)
        {
            score -= 0.25 * interaction.Transfers;
            evidence.Add(new Evidence(0, string.Empty, $"{interaction.Transfers} transfer(s)"));
            tip ??= "Every transfer makes the customer tell the story again: solve it yourself when it is within your authority.";
        }

        for (int i = 0; i < turns.Length; i++)
        {
            if (!turns[i].IsAgent || turns[i].Hit(PhraseGroup.Unsure) is not { Found: true } unsure)
            {
                continue;
            }

            bool followedUp = turns[i].Hit(PhraseGroup.FindOut).Found || (NextAgentTurn(turns, i) is { } next && next.Hit(PhraseGroup.FindOut).Found);
            if (!followedUp)
            {
                score -= 0.2;
                evidence.Add(new Evidence(turns[i].Number, unsure.Phrase!, "admitted not knowing without offering to find out"));
                tip ??= $"Replace \"{unsure.Phrase}\" (turn {turns[i].Number}) with \"Let me find out for you\", and follow through.";
            }
        }

        if (evidence.Count == 0)
        {
            evidence.Add(new Evidence(0, string.Empty, "no sign of missing knowledge"));
        }

        return new CriterionScore(nameof(Criterion.Knowledge), coaching.Weights[(int)Criterion.Knowledge], Math.Clamp(score, 0, 1), evidence, tip);
    }

    private static TurnAnalysis? NextAgentTurn(TurnAnalysis[] turns, int after)
    {
        for (int j = after + 1; j < turns.Length; j++)
        {
            if (turns[j].IsAgent)
            {
                return turns[j];
            }
        }

        return null;
    }

    private static List<CriticalFailure> Rudeness(TurnAnalysis[] turns)
    {
        var failures = new List<CriticalFailure>();
        foreach (TurnAnalysis turn in turns)
        {
            if (turn.IsAgent && turn.Hit(PhraseGroup.Rude) is { Found: true } hit)
            {
                failures.Add(new CriticalFailure("Rudeness", new Evidence(turn.Number, hit.Phrase!, "rude to the customer"), "Never insult or dismiss a customer; if you are losing your temper, hand the conversation to a colleague."));
            }
        }

        return failures;
    }

    private async ValueTask<List<CriticalFailure>> PromisesBeyondAuthorityAsync(TurnAnalysis[] turns, CoachingPolicy coaching, Interaction interaction, CancellationToken cancellationToken)
    {
        var failures = new List<CriticalFailure>();
        foreach (TurnAnalysis turn in turns)
        {
            if (!turn.IsAgent || !turn.Hit(PhraseGroup.Commitment).Found || turn.Hit(PhraseGroup.Escalation).Found || turn.Amount is null)
            {
                // No commitment, or the agent is asking for approval (which is what they should do).
                continue;
            }

            if (PromisedAction(turn, coaching) is not (int action, decimal amount))
            {
                continue;
            }

            string actionName = coaching.Actions[action];
            if (Covered(interaction.Grants, actionName, amount))
            {
                continue;
            }

            AuthorityDecision decision = await authority.EvaluateAsync(new ResolutionRequest
            {
                AgentId = interaction.AgentId,
                Role = interaction.AgentRole,
                CustomerId = interaction.CustomerId,
                IncidentId = interaction.CaseId ?? interaction.Id,
                Action = actionName,
                Amount = amount,
                Channel = interaction.Channel,
            }, cancellationToken).ConfigureAwait(false);
            if (decision.Outcome != DecisionOutcome.Allowed)
            {
                failures.Add(new CriticalFailure(
                    "PromiseBeyondAuthority",
                    new Evidence(turn.Number, turn.Excerpt(), $"promised {actionName} {Format(amount)} {decision.Currency}: {decision}"),
                    "Ask for approval before promising: \"Let me get that approved for you, I'll be right back\"."));
            }
        }

        return failures;
    }

    /// <summary>
    /// The action and amount an agent's message commits to: an action word shortly after a
    /// commitment ("I'll refund", "I can give you a credit"), with no negation between them and not
    /// part of a phrase that only looks like it ("credit card"); the amount is the one written
    /// nearest the action word.
    /// </summary>
    internal static (int Action, decimal Amount)? PromisedAction(TurnAnalysis turn, CoachingPolicy coaching)
    {
        const int Window = 6;
        int action = turn.FirstAction(coaching);
        if (action < 0)
        {
            return null;
        }

        int at = turn.Hits[coaching.ActionGroup(action)].Token;
        PhraseHit notAction = turn.Hit(PhraseGroup.NotAnAction);
        if ((notAction.Found && notAction.Token <= at && at < notAction.Token + 2) || !coaching.Phrases.EndsBefore(turn.Tokens, (int)PhraseGroup.Commitment, at, Window))
        {
            return null;
        }

        PhraseHit negation = turn.Hit(PhraseGroup.Negation);
        if (negation.Found && negation.Token >= at - Window && negation.Token < at)
        {
            return null;
        }

        return TextTokens.AmountNearest(turn.Turn.Text, turn.Tokens.Starts[at]) is { } amount && amount > 0 ? (action, amount) : null;
    }

    /// <summary>A grant the agent reports as made ("I went ahead and refunded $69"): a promised action whose commitment is in the past tense.</summary>
    internal static (int Action, decimal Amount)? StatedGrant(TurnAnalysis turn, CoachingPolicy coaching)
    {
        const int Window = 6;
        return PromisedAction(turn, coaching) is (int action, decimal amount)
            && coaching.Phrases.EndsBefore(turn.Tokens, (int)PhraseGroup.Granted, turn.Hits[coaching.ActionGroup(action)].Token, Window)
                ? (action, amount)
                : null;
    }

    private static bool Covered(IReadOnlyList<GrantRecord> grants, string action, decimal amount)
    {
        foreach (GrantRecord grant in grants)
        {
            if (!grant.IsVoided && string.Equals(grant.Action, action, StringComparison.OrdinalIgnoreCase) && grant.RequestedAmount >= amount)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (string candidate in values)
        {
            if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    internal static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    internal static string Format(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Format(TimeSpan value) =>
        value.TotalHours >= 1 ? $"{(int)value.TotalHours}h {value.Minutes}m" : value.TotalMinutes >= 1 ? $"{(int)value.TotalMinutes}m {value.Seconds}s" : $"{(int)value.TotalSeconds}s";
}
