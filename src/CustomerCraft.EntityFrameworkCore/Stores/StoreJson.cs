using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The JSON the stores keep cases, case events and requests in: source-generated (no reflection at
/// run time), enums by name so that a stored document survives a reordering of an enum.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SupportCase))]
[JsonSerializable(typeof(CaseEvent))]
[JsonSerializable(typeof(ResolutionRequest))]
internal sealed partial class StoreJson : JsonSerializerContext
{
    public static string Serialize(SupportCase supportCase) =>
        // The timeline lives in its own rows; the document holds everything else.
        JsonSerializer.Serialize(supportCase with { History = [] }, Default.SupportCase);

    public static string Serialize(CaseEvent caseEvent) => JsonSerializer.Serialize(caseEvent, Default.CaseEvent);

    public static string Serialize(ResolutionRequest request) => JsonSerializer.Serialize(request, Default.ResolutionRequest);

    public static SupportCase DeserializeCase(string json) =>
        JsonSerializer.Deserialize(json, Default.SupportCase) ?? throw new InvalidDataException("A stored case document is empty.");

    public static CaseEvent DeserializeEvent(string json) =>
        JsonSerializer.Deserialize(json, Default.CaseEvent) ?? throw new InvalidDataException("A stored case event is empty.");

    public static ResolutionRequest DeserializeRequest(string json) =>
        JsonSerializer.Deserialize(json, Default.ResolutionRequest) ?? throw new InvalidDataException("A stored request is empty.");
}
