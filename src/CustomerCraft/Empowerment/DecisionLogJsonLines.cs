using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The decision log as JSON Lines: one JSON object per decision record and line, streamed (the log is
/// never held in memory), so a host can send its history to an audit system or to
/// <c>customercraft what-if</c>. Each line carries the record's policy version as the 16 hexadecimal
/// digits decisions show (a string, so that readers limited to doubles keep it exact), enums by name,
/// and leaves out what is not set. See <c>docs/what-if.md</c> for the format.
/// </summary>
public static class DecisionLogJsonLines
{
    /// <summary>How many bytes are gathered before they are written to the stream.</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Writes the records <paramref name="query"/> selects, in the log's order, one per line.</summary>
    /// <param name="log">The decision log to export.</param>
    /// <param name="destination">Where the lines go; left open, and flushed at the end.</param>
    /// <param name="query">Which records; <see langword="null"/> for all of them.</param>
    /// <param name="cancellationToken">Stops the export; the lines written so far stay written.</param>
    /// <returns>How many records were written.</returns>
    public static async Task<long> WriteAsync(IDecisionLog log, Stream destination, DecisionLogQuery? query = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = new ArrayBufferWriter<byte>(FlushThreshold * 2);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        long count = 0;
        await foreach (DecisionRecord record in log.ReadAsync(query ?? DecisionLogQuery.All, cancellationToken).ConfigureAwait(false))
        {
            JsonSerializer.Serialize(writer, DecisionJsonLine.From(record), DecisionJsonLinesContext.Default.DecisionJsonLine);
            writer.Flush();
            writer.Reset();
            buffer.Write("\n"u8);
            count++;
            if (buffer.WrittenCount >= FlushThreshold)
            {
                await destination.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }

        await destination.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>Reads records written by <see cref="WriteAsync"/>, one per line, as they come; blank lines are skipped.</summary>
    /// <param name="source">The lines; left open.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The records, in the order of the lines.</returns>
    /// <exception cref="InvalidDataException">A line is not a decision record; the message names the line number.</exception>
    public static async IAsyncEnumerable<DecisionRecord> ReadAsync(Stream source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        long number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return Parse(line, number);
        }
    }

    private static DecisionRecord Parse(string line, long number)
    {
        try
        {
            DecisionJsonLine parsed = JsonSerializer.Deserialize(line, DecisionJsonLinesContext.Default.DecisionJsonLine)
                ?? throw new InvalidDataException($"Line {number}: null is not a decision record.");
            return parsed.ToRecord(number);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Line {number}: not a decision record ({ex.Message})", ex);
        }
    }
}

/// <summary>One line of the export: the record's fields, with the policy version as people read it.</summary>
internal sealed class DecisionJsonLine
{
    public required DateTimeOffset Timestamp { get; init; }

    public required DecisionRecordKind Kind { get; init; }

    public required DecisionOutcome Outcome { get; init; }

    public string? RequiredApproverRole { get; init; }

    public required decimal Amount { get; init; }

    public string? GrantId { get; init; }

    public required string PolicyVersion { get; init; }

    public required ResolutionRequest Request { get; init; }

    public static DecisionJsonLine From(DecisionRecord record) => new()
    {
        Timestamp = record.Timestamp,
        Kind = record.Kind,
        Outcome = record.Outcome,
        RequiredApproverRole = record.RequiredApproverRole,
        Amount = record.Amount,
        GrantId = record.GrantId,
        PolicyVersion = CustomerCraft.Policy.PolicyVersion.Format(record.PolicyVersion),
        Request = record.Request,
    };

    public DecisionRecord ToRecord(long number) => new()
    {
        Timestamp = Timestamp,
        Kind = Kind,
        Outcome = Outcome,
        RequiredApproverRole = RequiredApproverRole,
        Amount = Amount,
        GrantId = GrantId,
        PolicyVersion = ulong.TryParse(PolicyVersion, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong version)
            ? unchecked((long)version)
            : throw new InvalidDataException($"Line {number}: policyVersion '{PolicyVersion}' is not 16 hexadecimal digits."),
        Request = Request,
    };
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DecisionJsonLine))]
internal sealed partial class DecisionJsonLinesContext : JsonSerializerContext;
