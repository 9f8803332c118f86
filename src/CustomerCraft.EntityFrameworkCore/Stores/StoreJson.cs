using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The JSON the stores keep cases, case events and requests in: source-generated (no reflection at
/// run time), enums by name so that a stored document survives a reordering of an enum.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SupportCaseSnapshot))]
[JsonSerializable(typeof(CaseEvent))]
[JsonSerializable(typeof(ResolutionRequest))]
internal sealed partial class StoreJson : JsonSerializerContext
{
    public static string Serialize(SupportCase supportCase) =>
        // The timeline lives in its own rows; the document holds everything else. A snapshot has
        // the case's property names, so documents written before snapshots existed read the same.
        JsonSerializer.Serialize(Storage.SupportCaseSnapshot.From(supportCase) with { History = [] }, Default.SupportCaseSnapshot);

    public static string Serialize(CaseEvent caseEvent) => JsonSerializer.Serialize(caseEvent, Default.CaseEvent);

    public static string Serialize(ResolutionRequest request) => JsonSerializer.Serialize(request, Default.ResolutionRequest);

    /// <summary>Reads a case document and restores the case with its timeline, checked for consistency.</summary>
    public static SupportCase DeserializeCase(string json, IReadOnlyList<CaseEvent> history)
    {
        SupportCaseSnapshot snapshot = JsonSerializer.Deserialize(json, Default.SupportCaseSnapshot) ?? throw new InvalidDataException("A stored case document is empty.");
        try
        {
            return CaseRehydration.Restore(snapshot with { History = history });
        }
        catch (ArgumentException e)
        {
            // Stored data that is inconsistent is corrupt data, as a missing timeline row is.
            throw new InvalidDataException(e.Message, e);
        }
    }

    public static CaseEvent DeserializeEvent(string json) =>
        JsonSerializer.Deserialize(json, Default.CaseEvent) ?? throw new InvalidDataException("A stored case event is empty.");

    public static ResolutionRequest DeserializeRequest(string json) =>
        JsonSerializer.Deserialize(json, Default.ResolutionRequest) ?? throw new InvalidDataException("A stored request is empty.");
}
