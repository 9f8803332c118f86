namespace CustomerCraft.Coaching.Evaluation;

/// <summary>
/// Runs the coaching detectors on one conversation through the public API, as a host would (a
/// scorecard after the fact, the nudges of a live replay), and reads what each detector flagged.
/// </summary>
internal sealed class Detectors(IInteractionCoach coach)
{
    /// <summary>The detectors in report order; the keys of <see cref="Flags"/> and of the label sets.</summary>
    public static readonly string[] Names = ["frustrated", "unacknowledged", "checkedUnderstanding", "followUps", "dismissive", "repeated"];

    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>What the detectors flagged, per detector: turn numbers as "id#turn", or the id for per-conversation ones.</summary>
    public async Task<Dictionary<string, HashSet<string>>> FlagsAsync(LabelledConversation conversation)
    {
        var turns = new List<Turn>(conversation.Turns.Count);
        for (int i = 0; i < conversation.Turns.Count; i++)
        {
            turns.Add(new Turn(SpeakerOf(conversation.Turns[i].Speaker), conversation.Turns[i].Text, Start.AddSeconds(30 * i)));
        }

        Dictionary<string, HashSet<string>> flags = Names.ToDictionary(n => n, _ => new HashSet<string>());
        Scorecard card = await coach.ScoreAsync(new Interaction
        {
            Id = conversation.Id,
            AgentId = "agent",
            AgentRole = "Agent",
            CustomerId = "customer",
            Channel = "chat",
            Turns = turns,
        });
        foreach (CriterionScore criterion in card.Criteria)
        {
            foreach (Evidence evidence in criterion.Evidence)
            {
                string? detector = (criterion.Criterion, evidence.Finding) switch
                {
                    ("Empathy", var f) when f.Contains("not acknowledged", StringComparison.Ordinal) => "unacknowledged",
                    ("ClearCommunication", "checked the customer's understanding") => "checkedUnderstanding",
                    ("Reliability", var f) when f.StartsWith("promised", StringComparison.Ordinal) => "followUps",
                    ("Patience", "dismissive or blaming") => "dismissive",
                    _ => null,
                };
                if (detector == "checkedUnderstanding")
                {
                    flags[detector].Add(conversation.Id);
                }
                else if (detector is not null)
                {
                    flags[detector].Add(Item(conversation.Id, evidence.Turn));
                }
            }
        }

        // Live replay: a turn is frustrated when the acknowledgement nudge names it as it arrives,
        // and a repeat when the repeat nudge does.
        LiveConversation live = coach.StartConversation(new LiveConversationContext { AgentId = "agent", AgentRole = "Agent", CustomerId = "customer" });
        for (int i = 0; i < turns.Count; i++)
        {
            foreach (Nudge nudge in await live.AddTurnAsync(turns[i]))
            {
                if (nudge.Turn == i + 1 && nudge.Kind is NudgeKind.AcknowledgeFeelings or NudgeKind.CustomerRepeated)
                {
                    flags[nudge.Kind == NudgeKind.AcknowledgeFeelings ? "frustrated" : "repeated"].Add(Item(conversation.Id, i + 1));
                }
            }
        }

        return flags;
    }

    /// <summary>A label set as items, like <see cref="FlagsAsync"/>'s.</summary>
    public static Dictionary<string, HashSet<string>> Items(string id, DetectorLabels labels) => new()
    {
        ["frustrated"] = [.. labels.Frustrated.Select(t => Item(id, t))],
        ["unacknowledged"] = [.. labels.Unacknowledged.Select(t => Item(id, t))],
        ["checkedUnderstanding"] = labels.CheckedUnderstanding ? [id] : [],
        ["followUps"] = [.. labels.FollowUps.Select(t => Item(id, t))],
        ["dismissive"] = [.. labels.Dismissive.Select(t => Item(id, t))],
        ["repeated"] = [.. labels.Repeated.Select(t => Item(id, t))],
    };

    public static Speaker SpeakerOf(string speaker) => speaker.ToLowerInvariant() switch
    {
        "customer" => Speaker.Customer,
        "agent" => Speaker.Agent,
        "bot" => Speaker.Bot,
        _ => throw new FormatException($"speaker '{speaker}' is not customer, agent or bot"),
    };

    private static string Item(string id, int turn) => $"{id}#{turn}";
}
