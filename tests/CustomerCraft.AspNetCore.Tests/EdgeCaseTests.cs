using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Escalation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CustomerCraft.AspNetCore.Tests;

/// <summary>
/// Edge cases a review found: identities a principal carries besides the signed-in one, clients
/// that do not accept JSON, what is logged. Each failed before its fix.
/// </summary>
public sealed class EdgeCaseTests
{
    private const string Ana = $"{ClaimTypes.NameIdentifier}=ana;{ClaimTypes.Role}=Agent";

    /// <summary>
    /// An echo app whose principal also gets a second identity (as a second authentication scheme,
    /// or an IClaimsTransformation, would add): maya the Manager, authenticated or not.
    /// </summary>
    private static Task<TestApp> TwoIdentitiesAppAsync(string? secondAuthenticationType, params Claim[] secondClaims) =>
        TestApp.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                context.User.AddIdentity(new ClaimsIdentity(secondClaims, secondAuthenticationType));
                await next(context);
            });
            app.MapGet("/me", (AgentIdentity agent) => agent);
        });

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(TestApp app, string url, string? claims, string? accept = null)
    {
        using HttpRequestMessage request = TestApp.Request(HttpMethod.Get, url, claims);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using HttpResponseMessage response = await app.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_role_claim_on_an_unauthenticated_identity_does_not_raise_the_agents_authority()
    {
        await using TestApp app = await TwoIdentitiesAppAsync(null, new Claim(ClaimTypes.Role, "Manager"));

        (HttpStatusCode status, string body) = await GetAsync(app, "/me", Ana);

        status.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(body).RootElement.GetProperty("role").GetString().Should().Be("Agent", body);
    }

    [Fact]
    public async Task The_agent_id_is_never_read_from_an_unauthenticated_identity()
    {
        await using TestApp app = await TwoIdentitiesAppAsync(null, new Claim(ClaimTypes.NameIdentifier, "maya"));

        // The authenticated identity carries only a role; the id must not come from elsewhere.
        (HttpStatusCode status, string body) = await GetAsync(app, "/me", $"{ClaimTypes.Role}=Agent");

        status.Should().Be(HttpStatusCode.Forbidden, body);
    }

    [Fact]
    public async Task The_role_is_read_from_the_same_identity_as_the_agent_id()
    {
        // Two signed-in identities (say a cookie for ana and a bearer token for maya): ana must
        // not act with maya's Manager role.
        await using TestApp app = await TwoIdentitiesAppAsync("Bearer", new Claim(ClaimTypes.NameIdentifier, "maya"), new Claim(ClaimTypes.Role, "Manager"));

        (HttpStatusCode status, string body) = await GetAsync(app, "/me", Ana);

        JsonElement me = JsonDocument.Parse(body).RootElement;
        $"{me.GetProperty("id").GetString()}:{me.GetProperty("role").GetString()}".Should().BeOneOf(["ana:Agent", "maya:Manager"], body);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/plain")]
    public async Task A_client_that_does_not_accept_json_still_gets_the_404_for_an_unknown_case(string accept)
    {
        await using TestApp app = await TestApp.StartAsync(a => a.MapGet("/case", async (ICaseWorkflow workflow) => await workflow.ResolveAsync("no-such-case", new CaseActor("ana", "Agent"))));

        (HttpStatusCode status, string body) = await GetAsync(app, "/case", Ana, accept);

        status.Should().Be(HttpStatusCode.NotFound, body);
    }

    [Fact]
    public async Task In_production_a_refusal_is_not_logged_as_an_unhandled_error()
    {
        await using TestApp app = await TestApp.StartAsync(
            a => a.MapPost("/not-found", async (ICaseWorkflow workflow) => await workflow.ResolveAsync("no-such-case", new CaseActor("ana", "Agent"))));

        using HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Post, "/not-found", Ana));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        app.Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Category}: {r.Message}").Should().BeEmpty();
    }
}
