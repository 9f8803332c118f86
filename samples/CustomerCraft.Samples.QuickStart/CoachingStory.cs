using System.Globalization;
using CustomerCraft.Coaching;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Samples.QuickStart;

/// <summary>
/// Scenario 9: coaching. The same complaint handled badly and well, scored side by side with
/// evidence and tips; then nudges while a conversation is live.
/// </summary>
internal static class CoachingStory
{
    /// <summary>Runs the scenarios and returns the day's interactions (with survey answers) for the metrics.</summary>
    public static async Task<IReadOnlyList<Interaction>> RunAsync(IServiceProvider services, TextWriter output)
    {
        IInteractionCoach coach = services.GetRequiredService<IInteractionCoach>();
        IResolutionAuthority authority = services.GetRequiredService<IResolutionAuthority>();
        DateTimeOffset start = services.GetRequiredService<TimeProvider>().GetUtcNow();

        output.WriteLine();
        output.WriteLine("9. Coaching: the same complaint handled badly and well");
        Interaction poor = new()
        {
            Id = "chat-901", AgentId = "paul", AgentRole = "Agent", CustomerId = "C-5005", Channel = "chat",
            Turns = Turns(start,
                (Speaker.Customer, "I've been waiting two weeks for my refund, this is awful and nobody called me back!!", 0),
                (Speaker.Agent, "Calm down, as I said the system is slow.", 240),
                (Speaker.Customer, "This is ridiculous. I want my $80 back.", 300),
                (Speaker.Agent, "I don't know when it arrives. Fine, I'll give you a $300 credit and I'll call you back tomorrow.", 420),
                (Speaker.Customer, "Useless.", 480)),
            ResolvedAtFirstContact = false,
            Transfers = 1,
            Survey = new SurveyAnswers { Satisfaction = 1, Recommend = 2, Effort = 2 },
        };
        GrantResult refund = await authority.GrantAsync(new ResolutionRequest
        {
            AgentId = "gina", Role = "Agent", CustomerId = "C-5005", IncidentId = "chat-902",
            Action = "Refund", Amount = 80m, IdempotencyKey = "chat-902/refund",
        });
        Interaction good = new()
        {
            Id = "chat-902", AgentId = "gina", AgentRole = "Agent", CustomerId = "C-5005", Channel = "chat",
            Turns = Turns(start,
                (Speaker.Customer, "I've been waiting two weeks for my refund, this is awful and nobody called me back!!", 0),
                (Speaker.Agent, "I'm sorry about the wait, that's frustrating. Let me fix it right now.", 40),
                (Speaker.Customer, "I just want my $80 back.", 90),
                (Speaker.Agent, "Done: I've refunded the $80 to your card, you'll see it within 3 days. Does that make sense?", 150),
                (Speaker.Customer, "Yes, thank you so much, that's great!", 180),
                (Speaker.Agent, "I'll email you the confirmation now. Anything else I can do?", 200)),
            Grants = [refund.Grant!],
            FollowUpsLogged = ["Email"],
            ResolvedAtFirstContact = true,
            Survey = new SurveyAnswers { Satisfaction = 5, Recommend = 10, Effort = 7 },
        };

        Scorecard poorCard = await coach.ScoreAsync(poor);
        Scorecard goodCard = await coach.ScoreAsync(good);
        output.WriteLine($"   {"Criterion",-20} {"Paul",6} {"Gina",6}");
        for (int i = 0; i < poorCard.Criteria.Count; i++)
        {
            output.WriteLine($"   {poorCard.Criteria[i].Criterion,-20} {Score(poorCard.Criteria[i].Score),6} {Score(goodCard.Criteria[i].Score),6}");
        }

        output.WriteLine($"   {"Overall (of 100)",-20} {Total(poorCard),6} {Total(goodCard),6}");
        if (poorCard.CriticalFailures.Count > 0 || goodCard.CriticalFailures.Count > 0)
        {
            output.WriteLine("   (! = a critical item failed, which sets the overall score to 0 whatever the criteria scored)");
        }
        foreach (CriticalFailure failure in poorCard.CriticalFailures)
        {
            output.WriteLine($"   Paul, critical: {failure.Item} in turn {failure.Evidence.Turn}: {failure.Evidence.Finding}");
        }

        output.WriteLine("   Evidence and tips for Paul:");
        foreach (CriterionScore criterion in poorCard.Criteria)
        {
            if (criterion.Tip is null)
            {
                continue;
            }

            Evidence first = criterion.Evidence[0];
            string where = first.Turn > 0 ? $"turn {first.Turn}: " : string.Empty;
            string quote = first.Quote.Length > 0 ? $"\"{first.Quote}\" " : string.Empty;
            output.WriteLine($"   - {criterion.Criterion}: {where}{quote}{first.Finding}");
            output.WriteLine($"     tip: {criterion.Tip}");
        }

        output.WriteLine();
        output.WriteLine("10. Live nudges while Ana talks to a customer");
        LiveConversation live = coach.StartConversation(new LiveConversationContext { AgentId = "ana", AgentRole = "Agent", CustomerId = "C-6006", Channel = "chat" });
        (Speaker, string)[] conversation =
        [
            (Speaker.Customer, "My blender broke after a week, this is terrible."),
            (Speaker.Agent, "Can you send me a photo of it?"),
            (Speaker.Customer, "I sent one already. Can I get a refund of $60?"),
            (Speaker.Agent, "I'll have to ask my supervisor about a refund."),
        ];
        // A nudge stays in force until it is acted on; an agent's screen shows it once and then only
        // that it is still open, as printed here.
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach ((Speaker speaker, string text) in conversation)
        {
            IReadOnlyList<Nudge> nudges = await live.AddTurnAsync(new Turn(speaker, text, start));
            output.WriteLine($"   {speaker}: {text}");
            var stillOpen = new List<string>();
            foreach (Nudge nudge in nudges)
            {
                if (shown.Add(nudge.Message))
                {
                    output.WriteLine($"      nudge ({nudge.Kind}): {nudge.Message}");
                }
                else
                {
                    stillOpen.Add(nudge.Kind.ToString());
                }
            }

            if (stillOpen.Count > 0)
            {
                output.WriteLine($"      still open: {string.Join(", ", stillOpen)}");
            }
        }

        // Two more of the day's chats, with their survey answers, for the metrics.
        Interaction Other(string id, string agent, int satisfaction, int recommend, int effort, bool resolved) => new()
        {
            Id = id, AgentId = agent, AgentRole = "Agent", CustomerId = "C-7007",
            Turns = Turns(start, (Speaker.Customer, "Hi, quick question about my invoice.", 0), (Speaker.Agent, "Sure, here it is. Anything else?", 30)),
            ResolvedAtFirstContact = resolved,
            Survey = new SurveyAnswers { Satisfaction = satisfaction, Recommend = recommend, Effort = effort },
        };

        return [poor, good, Other("chat-903", "gina", 4, 9, 6, resolved: true), Other("chat-904", "paul", 3, 8, 5, resolved: true)];
    }

    private static List<Turn> Turns(DateTimeOffset start, params (Speaker Speaker, string Text, int Seconds)[] turns) =>
        turns.Select(t => new Turn(t.Speaker, t.Text, start + TimeSpan.FromSeconds(t.Seconds))).ToList();

    private static string Score(double? score) => score is { } value ? (value * 100).ToString("0", CultureInfo.InvariantCulture) : "n/a";

    private static string Total(Scorecard card) => card.Passed
        ? card.Score.ToString("0", CultureInfo.InvariantCulture)
        : $"{card.Score.ToString("0", CultureInfo.InvariantCulture)}!";
}
