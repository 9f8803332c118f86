using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.Coaching.Evaluation;

/// <summary>
/// Prints precision, recall and F1 of each coaching detector on the tuning and held-out halves of
/// a labelled set of conversations, and the agreement of two labelling passes where the set has
/// both: <c>dotnet run -c Release --project eval/CustomerCraft.Coaching.Evaluation -- SET.jsonl</c>.
/// The set's format is in docs/coaching.md.
/// </summary>
public static class Program
{
    private static readonly string[] Splits = ["tuning", "heldout"];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 1 || args[0] is "-h" or "--help")
        {
            await Console.Error.WriteLineAsync("usage: CustomerCraft.Coaching.Evaluation SET.jsonl (one labelled conversation a line; see docs/coaching.md)");
            return 2;
        }

        List<LabelledConversation> set;
        try
        {
            set = Read(args[0]);
        }
        catch (Exception e) when (e is IOException or FormatException or JsonException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"{args[0]}: {e.Message}");
            return 1;
        }

        await using ServiceProvider services = BuildServices();
        var detectors = new Detectors(services.GetRequiredService<IInteractionCoach>());
        var scores = new Dictionary<(string Split, string Detector), Tally>();
        var agreement = new Dictionary<string, Tally>();
        int doubleLabelled = 0;
        foreach (LabelledConversation conversation in set)
        {
            Dictionary<string, HashSet<string>> flagged = await detectors.FlagsAsync(conversation);
            Dictionary<string, HashSet<string>> labelled = Detectors.Items(conversation.Id, conversation.Labels!);
            Dictionary<string, HashSet<string>>? second = conversation.SecondLabels is { } pass2 ? Detectors.Items(conversation.Id, pass2) : null;
            doubleLabelled += second is null ? 0 : 1;
            foreach (string detector in Detectors.Names)
            {
                Get(scores, (conversation.Split, detector)).Add(flagged[detector], labelled[detector]);
                if (second is not null)
                {
                    Get(agreement, detector).Add(second[detector], labelled[detector]);
                }
            }
        }

        foreach (string split in Splits)
        {
            Console.WriteLine($"{split}: {set.Count(c => c.Split == split)} conversations");
            Console.WriteLine($"  {"detector",-22} {"labelled",8} {"flagged",8} {"TP",5} {"precision",9} {"recall",7} {"F1",5}");
            foreach (string detector in Detectors.Names)
            {
                Tally t = Get(scores, (split, detector));
                Console.WriteLine($"  {detector,-22} {t.TruePositives + t.FalseNegatives,8} {t.TruePositives + t.FalsePositives,8} {t.TruePositives,5} {Tally.Format(t.Precision),9} {Tally.Format(t.Recall),7} {Tally.Format(t.F1),5}");
            }
        }

        if (doubleLabelled > 0)
        {
            Console.WriteLine($"agreement of the two labelling passes on {doubleLabelled} conversations (positive agreement, 2 x shared / (first + second)):");
            foreach (string detector in Detectors.Names)
            {
                Console.WriteLine($"  {detector,-22} {Tally.Format(Get(agreement, detector).F1),5}");
            }
        }

        return 0;
    }

    private static List<LabelledConversation> Read(string path)
    {
        var set = new List<LabelledConversation>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            LabelledConversation conversation = JsonSerializer.Deserialize<LabelledConversation>(text)
                ?? throw new FormatException($"line {line}: null instead of a conversation");
            string where = $"line {line} (id '{conversation.Id}')";
            if (string.IsNullOrWhiteSpace(conversation.Id) || !ids.Add(conversation.Id))
            {
                throw new FormatException($"{where}: the id is empty or used twice");
            }

            if (!Splits.Contains(conversation.Split))
            {
                throw new FormatException($"{where}: split '{conversation.Split}' is not tuning or heldout");
            }

            if (conversation.Labels is null)
            {
                throw new FormatException($"{where}: no labels");
            }

            for (int i = 0; i < conversation.Turns.Count; i++)
            {
                try
                {
                    Detectors.SpeakerOf(conversation.Turns[i].Speaker);
                }
                catch (FormatException e)
                {
                    throw new FormatException($"{where}: turn {i + 1}: {e.Message}", e);
                }
            }

            Check(conversation, conversation.Labels, "labels", where);
            if (conversation.SecondLabels is { } second)
            {
                Check(conversation, second, "labels2", where);
            }

            set.Add(conversation);
        }

        return set;
    }

    /// <summary>Each labelled turn exists and is spoken by the side its detector reads.</summary>
    private static void Check(LabelledConversation conversation, DetectorLabels labels, string pass, string where)
    {
        foreach ((string field, List<int> turns, string speaker) in (ReadOnlySpan<(string, List<int>, string)>)
        [
            ("frustrated", labels.Frustrated, "customer"), ("unacknowledged", labels.Unacknowledged, "customer"), ("repeated", labels.Repeated, "customer"),
            ("followUps", labels.FollowUps, "agent"), ("dismissive", labels.Dismissive, "agent"),
        ])
        {
            foreach (int turn in turns)
            {
                if (turn < 1 || turn > conversation.Turns.Count || !string.Equals(conversation.Turns[turn - 1].Speaker, speaker, StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"{where}: {pass}.{field} names turn {turn}, which is not a turn the {speaker} wrote (the conversation has {conversation.Turns.Count} turns)");
                }
            }
        }
    }

    private static Tally Get<TKey>(Dictionary<TKey, Tally> tallies, TKey key)
        where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out Tally? tally))
        {
            tallies[key] = tally = new Tally();
        }

        return tally;
    }

    private static ServiceProvider BuildServices()
    {
        // One role with a modest authority, as the benchmarks use: the detectors evaluated here do
        // not depend on the limits.
        var settings = new Dictionary<string, string?>
        {
            ["CustomerCraft:Empowerment:Currency"] = "USD",
            ["CustomerCraft:Empowerment:Actions:Refund:Description"] = "Money back",
            ["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "10",
            ["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "100",
            ["CustomerCraft:Escalation:Levels:FrontLine:Level"] = "0",
            ["CustomerCraft:Escalation:Levels:FrontLine:Role"] = "Agent",
            ["CustomerCraft:Escalation:Levels:FrontLine:Targets:Normal:Response"] = "01:00:00",
            ["CustomerCraft:Escalation:Levels:FrontLine:Targets:Normal:Resolution"] = "08:00:00",
        };
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
