using System.Globalization;
using CustomerCraft.Coaching.Scoring;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Policy;

namespace CustomerCraft.Coaching;

/// <summary>
/// A conversation in progress. Hand it each turn with <see cref="AddTurnAsync"/>; it reads only the
/// new turn (earlier turns are analysed once) and answers with the nudges that apply now, ranked
/// and one per kind. Meant for one caller at a time: concurrent calls throw.
/// </summary>
public sealed class LiveConversation
{
    private readonly InteractionCoach _coach;
    private readonly List<TurnAnalysis> _turns = [];
    private readonly List<(int Turn, HashSet<string> Words)> _requests = [];
    private int _busy;
    private int _unacknowledged = -1;

    // Requests from before the agent's last reply: a repeat of one of them went unanswered.
    private int _answeredRequests;
    private (int Turn, int Earlier) _repeated = (-1, -1);
    private string? _requestedAction;
    private decimal? _requestedAmount;
    private Nudge? _offer;

    internal LiveConversation(InteractionCoach coach, LiveConversationContext context)
    {
        _coach = coach;
        Context = context;
    }

    /// <summary>Who is in the conversation.</summary>
    public LiveConversationContext Context { get; }

    /// <summary>How many turns have been handed in.</summary>
    public int TurnCount => _turns.Count;

    /// <summary>Adds the next turn and returns the nudges that apply now, highest priority first.</summary>
    public async ValueTask<IReadOnlyList<Nudge>> AddTurnAsync(Turn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (Interlocked.Exchange(ref _busy, 1) == 1)
        {
            throw new InvalidOperationException("A live conversation takes one turn at a time; this one is still reading the previous turn.");
        }

        try
        {
            _coach.Limits.CheckTurn(turn, _turns.Count, nameof(turn));
        }
        catch
        {
            Volatile.Write(ref _busy, 0);
            throw;
        }

        // What this turn changes is undone if anything below fails (a cancelled lookup, say), so a
        // host that retries the turn does not count it twice.
        int turns = _turns.Count, requests = _requests.Count, answeredRequests = _answeredRequests, unacknowledged = _unacknowledged;
        (int, int) repeated = _repeated;
        string? requestedAction = _requestedAction;
        decimal? requestedAmount = _requestedAmount;
        Nudge? offer = _offer;
        try
        {
            CoachingPolicy coaching = _coach.Policy.Current.Coaching;
            TurnAnalysis analysis = await TurnAnalysis.AnalyzeAsync(turn, _turns.Count, coaching, _coach.Sentiment, cancellationToken).ConfigureAwait(false);
            _turns.Add(analysis);
            if (analysis.IsCustomer)
            {
                ReadCustomerTurn(analysis, coaching);
            }
            else if (analysis.IsAgent)
            {
                await ReadAgentTurnAsync(analysis, coaching, cancellationToken).ConfigureAwait(false);
            }

            return await NudgesAsync(coaching, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _turns.RemoveRange(turns, _turns.Count - turns);
            _requests.RemoveRange(requests, _requests.Count - requests);
            (_unacknowledged, _answeredRequests, _repeated, _requestedAction, _requestedAmount, _offer) = (unacknowledged, answeredRequests, repeated, requestedAction, requestedAmount, offer);
            throw;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void ReadCustomerTurn(TurnAnalysis turn, CoachingPolicy coaching)
    {
        if (turn.Frustration.IsFrustrated)
        {
            _unacknowledged = turn.Index;
        }

        if (turn.FirstAction(coaching) is >= 0 and var action)
        {
            // Kept by name: a reload may reorder the actions before the agent's next message.
            _requestedAction = coaching.Actions[action];
            int at = turn.Tokens.Starts[turn.Hits[coaching.ActionGroup(action)].Token];
            _requestedAmount = TextTokens.AmountNearest(turn.Turn.Text, at) ?? _requestedAmount;
        }

        // A request counts as repeated when the customer asks it again after the agent replied:
        // lines written before any reply are one telling, not a repeat.
        if (RequestWords.Of(turn.Turn.Text, turn.Tokens) is not { } words)
        {
            return;
        }

        for (int r = 0; r < _answeredRequests; r++)
        {
            (int earlier, HashSet<string> earlierWords) = _requests[r];
            if (RequestWords.Overlap(words, earlierWords) >= coaching.RepeatSimilarity)
            {
                _repeated = (turn.Index, earlier);
                break;
            }
        }

        _requests.Add((turn.Index, words));
    }

    private async ValueTask ReadAgentTurnAsync(TurnAnalysis turn, CoachingPolicy coaching, CancellationToken cancellationToken)
    {
        if (turn.Hit(PhraseGroup.Acknowledgement).Found || turn.Hit(PhraseGroup.ApologyAndOwnership).Found)
        {
            _unacknowledged = -1;
        }

        // The agent answered: a repeated request is no longer pending, and what was asked so far
        // would be asked again if it came back.
        _repeated = (-1, -1);
        _answeredRequests = _requests.Count;
        _offer = turn.Hit(PhraseGroup.Escalation).Found ? await OfferAsync(turn, coaching, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>When the agent is about to hand the customer up, what they could offer themselves.</summary>
    private async ValueTask<Nudge?> OfferAsync(TurnAnalysis turn, CoachingPolicy coaching, CancellationToken cancellationToken)
    {
        if (coaching.Actions.Length == 0)
        {
            return null;
        }

        int action = _requestedAction is null ? 0 : Math.Max(0, Array.FindIndex(coaching.Actions, a => string.Equals(a, _requestedAction, StringComparison.OrdinalIgnoreCase)));
        PolicySnapshot snapshot = _coach.Policy.Current;
        AuthorityDecision decision;
        try
        {
            decision = await _coach.Authority.EvaluateAsync(new ResolutionRequest
            {
                AgentId = Context.AgentId,
                Role = Context.AgentRole,
                CustomerId = Context.CustomerId,
                IncidentId = Context.CaseId ?? $"live:{Context.AgentId}:{Context.CustomerId}",
                Action = coaching.Actions[action],
                Amount = _requestedAmount is > 0 and var requested ? requested : ProbeAmount(snapshot, coaching.Actions[action]),
                CustomerSegment = Context.CustomerSegment,
                Channel = Context.Channel,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // The policy needs facts the live context does not carry (a required attribute, say): no
            // offer is better than a wrong one.
            return null;
        }

        var offers = new List<string>();
        foreach (ActionHeadroom headroom in decision.Headroom)
        {
            if (!headroom.HasAuthority || headroom.Count == 0)
            {
                continue;
            }

            if (headroom.Amount is decimal amount)
            {
                if (amount > 0)
                {
                    offers.Add($"{InteractionCoach.Format(amount)} {headroom.Unit} {Describe(snapshot, headroom.Action)}");
                }
            }
            else
            {
                offers.Add(headroom.Count is int count ? $"{count} {Describe(snapshot, headroom.Action)}" : Describe(snapshot, headroom.Action));
            }
        }

        if (offers.Count == 0)
        {
            return null;
        }

        string options = offers.Count == 1 ? offers[0] : $"{string.Join(", ", offers.Take(offers.Count - 1))} or {offers[^1]}";
        string message = decision.Outcome == DecisionOutcome.Allowed && _requestedAmount is > 0
            ? $"The customer's {Describe(snapshot, decision.Action)} of {InteractionCoach.Format(decision.Amount)} {decision.Unit} is within your authority: you can grant it now, no approval needed. (You may offer up to {options}.)"
            : $"Before escalating: you can offer up to {options} without approval.";
        return new Nudge(NudgeKind.OfferWithinAuthority, 100, message, turn.Number);
    }

    /// <summary>The smallest amount the currency can express: asking about it reads the headroom without requesting anything real.</summary>
    /// <summary>The smallest amount an action takes: nothing for a counted action, one minor unit otherwise (the question is the headroom, not the amount).</summary>
    private static decimal ProbeAmount(PolicySnapshot snapshot, string actionName) =>
        snapshot.ActionIndex.TryGetValue(actionName, out int index) && snapshot.Actions[index] is { } action
            ? action.IsCount ? 0m : SmallestAmount(action.Decimals)
            : SmallestAmount(snapshot.MinorUnits);

    private static decimal SmallestAmount(int minorUnits)
    {
        decimal amount = 1m;
        for (int i = 0; i < minorUnits; i++)
        {
            amount /= 10;
        }

        return amount;
    }

    private async ValueTask<IReadOnlyList<Nudge>> NudgesAsync(CoachingPolicy coaching, CancellationToken cancellationToken)
    {
        var nudges = new List<Nudge>(4);
        if (_offer is { } offer)
        {
            nudges.Add(offer);
        }

        if (_unacknowledged >= 0)
        {
            TurnAnalysis upset = _turns[_unacknowledged];
            nudges.Add(new Nudge(NudgeKind.AcknowledgeFeelings, 90, $"The customer is upset (\"{upset.Excerpt(50)}\"): acknowledge it before anything else, e.g. {AcknowledgementTip.For(upset.Frustration.Kind)}", upset.Number));
        }

        if (Context.CaseId is { } caseId && await _coach.Cases.FindAsync(caseId, cancellationToken).ConfigureAwait(false) is { } supportCase)
        {
            DateTimeOffset now = _coach.Time.GetUtcNow();
            SlaTimer? soonest = null;
            foreach (SlaTimer timer in supportCase.Timers)
            {
                if (timer.DueAt is { } due && timer.BreachedAt is null && (soonest is null || due < soonest.DueAt))
                {
                    soonest = timer;
                }
            }

            if (soonest?.DueAt is { } dueAt && dueAt - now <= coaching.SlaWarning)
            {
                TimeSpan left = dueAt - now;
                string when = left <= TimeSpan.Zero ? "is overdue" : $"is due in {InteractionCoach.Format(left)}";
                nudges.Add(new Nudge(NudgeKind.SlaDueSoon, left <= TimeSpan.Zero ? 95 : 80, $"The case's {soonest.Kind.ToString().ToLowerInvariant()} target {when}: resolve it or tell the customer what happens next.", _turns.Count));
            }
        }

        if (_repeated.Turn >= 0)
        {
            nudges.Add(new Nudge(NudgeKind.CustomerRepeated, 70, $"The customer asked this before (turn {_repeated.Earlier + 1}): answer it directly now.", _repeated.Turn + 1));
        }

        nudges.Sort(static (a, b) => b.Priority.CompareTo(a.Priority));
        return nudges;
    }

    /// <summary>An action as people write it: its display name in lower case ("fee waiver").</summary>
    private static string Describe(PolicySnapshot snapshot, string action) =>
        (snapshot.ActionIndex.TryGetValue(action, out int index) ? snapshot.Actions[index].DisplayName : action).ToLower(CultureInfo.InvariantCulture);
}
