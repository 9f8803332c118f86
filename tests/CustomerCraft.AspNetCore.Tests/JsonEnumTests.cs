using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Escalation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.AspNetCore.Tests;

/// <summary>
/// <c>AddAspNetCore()</c> writes CustomerCraft's enums by name, without the host adding a
/// converter, and leaves the host's own enums alone.
/// </summary>
public sealed class JsonEnumTests
{
    private const string Ana = $"{ClaimTypes.NameIdentifier}=ana;{ClaimTypes.Role}=Agent";

    /// <summary>A host's own enum, which must keep the host's (default, numeric) format.</summary>
    public enum HostColour
    {
        Red,
        Green,
    }

    [Fact]
    public async Task CustomerCraft_enums_are_written_by_name_and_the_hosts_own_are_not_touched()
    {
        await using TestApp app = await TestApp.StartAsync(a =>
        {
            a.MapPost("/decision", async (IResolutionAuthority authority) => await authority.EvaluateAsync(Refund(60m)));
            a.MapPost("/case", async (ICaseWorkflow workflow) => await workflow.OpenAsync("case-1", CasePriority.High, EscalationFixtures.Ana));
            a.MapGet("/host", () => new { Colour = HostColour.Green, Outcome = (DecisionOutcome?)DecisionOutcome.Denied });
        });

        JsonElement decision = await ReadAsync(app, HttpMethod.Post, "/decision");
        JsonElement opened = await ReadAsync(app, HttpMethod.Post, "/case");
        JsonElement host = await ReadAsync(app, HttpMethod.Get, "/host");

        decision.GetProperty("outcome").GetString().Should().Be("Allowed");
        opened.GetProperty("state").GetString().Should().Be("InProgress");
        opened.GetProperty("priority").GetString().Should().Be("High");
        host.GetProperty("colour").GetInt32().Should().Be(1, "the host did not ask for names for its own enums");
        host.GetProperty("outcome").GetString().Should().Be("Denied", "a nullable CustomerCraft enum is written by name too");
    }

    [Fact]
    public async Task Names_and_numbers_are_both_read_from_a_body()
    {
        await using TestApp app = await TestApp.StartAsync(a =>
            a.MapPost("/echo", (PriorityBody body) => body.Priority.ToString()));

        string byName = await PostTextAsync(app, new { priority = "High" });
        string byNumber = await PostTextAsync(app, new { priority = (int)CasePriority.Low });

        byName.Should().Be("High");
        byNumber.Should().Be("Low");
    }

    [Fact]
    public void MVC_json_options_get_the_same_converter_once_however_often_AddAspNetCore_is_called()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(EscalationFixtures.Ladder()).Build().GetSection("CustomerCraft");
        using ServiceProvider services = new ServiceCollection().AddCustomerCraft(configuration).AddAspNetCore().AddAspNetCore().Services.BuildServiceProvider();

        services.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions.Converters
            .Should().ContainSingle(c => c.GetType().Name == "CustomerCraftEnumConverter");
        services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions.Converters
            .Should().ContainSingle(c => c.GetType().Name == "CustomerCraftEnumConverter");
    }

    /// <summary>A body with a CustomerCraft enum.</summary>
    private sealed record PriorityBody(CasePriority Priority);

    private static async Task<JsonElement> ReadAsync(TestApp app, HttpMethod method, string url)
    {
        using HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(method, url, Ana));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<string> PostTextAsync(TestApp app, object body)
    {
        using HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Post, "/echo", Ana, body));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
