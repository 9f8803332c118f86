using System.Text;
using System.Text.Json.Nodes;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tests.Insight;

/// <summary>The decision log as JSON Lines: one record per line, round-tripped exactly, with errors naming the line.</summary>
public class DecisionLogJsonLinesTests
{
    private static readonly DateTimeOffset s_monday = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    private static DecisionRecord Record(int i, DecisionRecordKind kind = DecisionRecordKind.Granted) => new()
    {
        Timestamp = s_monday.AddMinutes(i),
        Kind = kind,
        Outcome = kind == DecisionRecordKind.Refused ? DecisionOutcome.RequiresApproval : DecisionOutcome.Allowed,
        RequiredApproverRole = kind == DecisionRecordKind.Refused ? "TeamLead" : null,
        Amount = 12.5m + i,
        GrantId = kind == DecisionRecordKind.Refused ? null : $"g-{i}",
        PolicyVersion = unchecked((long)0xb34c391f65656862UL),
        Request = new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = $"C-{i}", IncidentId = "T-1", Action = "Refund", Amount = 12.5m + i,
            ReasonCodes = ["Late"], CustomerSince = s_monday.AddYears(-2), Attributes = new Dictionary<string, string> { ["Plan"] = "Business" },
            Approver = i == 2 ? new ApproverAuthority("tara", "TeamLead") : null,
        },
    };

    private static InMemoryDecisionLog Log(params DecisionRecord[] records)
    {
        var log = new InMemoryDecisionLog(Options.Create(new InMemoryDecisionLogOptions()));
        foreach (DecisionRecord record in records)
        {
            log.AppendAsync(record).AsTask().GetAwaiter().GetResult();
        }

        return log;
    }

    [Fact]
    public async Task WriteThenRead_GivesBackEveryRecordExactly()
    {
        DecisionRecord[] records = [Record(0), Record(1, DecisionRecordKind.Refused), Record(2), Record(3, DecisionRecordKind.Voided)];
        using var stream = new MemoryStream();

        long written = await DecisionLogJsonLines.WriteAsync(Log(records), stream);
        stream.Position = 0;
        var read = new List<DecisionRecord>();
        await foreach (DecisionRecord record in DecisionLogJsonLines.ReadAsync(stream))
        {
            read.Add(record);
        }

        written.Should().Be(4);
        read.Should().BeEquivalentTo(records, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Write_OneObjectPerLine_WithTheVersionAsPeopleReadItAndEnumsByName()
    {
        using var stream = new MemoryStream();

        await DecisionLogJsonLines.WriteAsync(Log(Record(0), Record(1, DecisionRecordKind.Refused)), stream, new DecisionLogQuery { CustomerId = "C-1" });
        string[] lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Should().ContainSingle("the query selects one customer's records");
        JsonNode line = JsonNode.Parse(lines[0])!;
        line["policyVersion"]!.GetValue<string>().Should().Be("b34c391f65656862");
        line["kind"]!.GetValue<string>().Should().Be("Refused");
        line["outcome"]!.GetValue<string>().Should().Be("RequiresApproval");
        line["request"]!["customerId"]!.GetValue<string>().Should().Be("C-1");
        line.AsObject().ContainsKey("grantId").Should().BeFalse("what is not set is left out");
    }

    [Fact]
    public async Task Read_ABrokenLine_NamesItsNumber()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("\n{\"kind\":\"Granted\"}\n"));

        Func<Task> read = async () =>
        {
            await foreach (DecisionRecord _ in DecisionLogJsonLines.ReadAsync(stream))
            {
            }
        };

        (await read.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().StartWith("Line 2: not a decision record");
    }
}
