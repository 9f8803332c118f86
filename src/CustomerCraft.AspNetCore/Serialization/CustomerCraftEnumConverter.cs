using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerCraft.AspNetCore.Serialization;

/// <summary>
/// Writes CustomerCraft's enums (<c>DecisionOutcome</c>, <c>CaseState</c>, ...) by name and reads
/// either names or numbers. Only enums declared in CustomerCraft's assemblies: a host's own enums
/// keep whatever its JSON options say, so adding the package changes nothing else in its API.
/// </summary>
internal sealed class CustomerCraftEnumConverter : JsonConverterFactory
{
    private static readonly JsonStringEnumConverter Names = new();

    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsEnum && IsLibraryAssembly(typeToConvert.Assembly.GetName().Name);

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        Names.CreateConverter(typeToConvert, options);

    internal static bool IsLibraryAssembly(string? name) =>
        name is "CustomerCraft" or "CustomerCraft.AspNetCore" or "CustomerCraft.EntityFrameworkCore" or "CustomerCraft.Hosting";
}
