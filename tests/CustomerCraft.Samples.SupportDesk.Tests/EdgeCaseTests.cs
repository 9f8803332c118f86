using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CustomerCraft.Samples.SupportDesk.Tests;

/// <summary>
/// Edge cases a review found: who may work a case, grants on a closed case, store limits named as
/// the client's fields, bodies that may be left out, two approvals at once.
/// </summary>
public sealed class EdgeCaseTests : IAsyncLifetime
{
    private readonly SupportDeskFactory _desk = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static async Task<(HttpStatusCode Status, string Body)> PostRawAsync(HttpClient client, string url, object body)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(url, body, SupportDeskFactory.Json);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_agent_cannot_resolve_a_colleagues_case()
    {
        HttpClient ben = await _desk.SignInAsync("ben");

        (HttpStatusCode status, string body) = await PostRawAsync(ben, "/api/cases/SD-1001/resolve", new { note = "not mine" });

        status.Should().Be(HttpStatusCode.Forbidden, body);
        JsonDocument.Parse(body).RootElement.GetProperty("code").GetString().Should().Be("not-your-case");
        (await ben.GetJsonAsync("/api/cases/SD-1001")).Str("state").Should().Be("InProgress", "reading a colleague's case is fine; nothing changed");
    }

    [Fact]
    public async Task A_supervisor_may_step_in_on_an_agents_case()
    {
        HttpClient tara = await _desk.SignInAsync("tara");

        JsonElement resolved = await tara.PostJsonAsync("/api/cases/SD-1001/resolve", new { note = "Closed it for Ana" });

        resolved.Str("state").Should().Be("Resolved");
    }

    [Fact]
    public async Task An_agent_cannot_grant_on_a_colleagues_case()
    {
        HttpClient ben = await _desk.SignInAsync("ben");

        (HttpStatusCode status, string body) = await PostRawAsync(ben, "/api/cases/SD-1001/grants", new { action = "Refund", amount = 60m, idempotencyKey = "ben-on-ana" });

        status.Should().Be(HttpStatusCode.Forbidden, body);
    }

    [Fact]
    public async Task A_grant_on_a_resolved_case_is_refused()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        await ana.PostJsonAsync("/api/cases/SD-1001/resolve", new { });

        (HttpStatusCode status, string body) = await PostRawAsync(ana, "/api/cases/SD-1001/grants", new { action = "Refund", amount = 60m, idempotencyKey = "after-resolve" });

        status.Should().Be(HttpStatusCode.Conflict, body);
    }

    [Fact]
    public async Task An_amount_with_too_many_decimals_is_a_400_naming_amount()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        (HttpStatusCode status, string body) = await PostRawAsync(ana, "/api/cases/SD-1001/proposals", new { action = "Refund", amount = 10.00001m });

        status.Should().Be(HttpStatusCode.BadRequest, body);
        JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("amount", out _).Should().BeTrue(body);
    }

    [Fact]
    public async Task A_too_long_customer_id_is_a_400_naming_customerId()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        (HttpStatusCode status, string body) = await PostRawAsync(ana, "/api/cases", new { customerId = new string('c', 200), subject = "x" });

        status.Should().Be(HttpStatusCode.BadRequest, body);
        JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("customerId", out _).Should().BeTrue(body);
    }

    [Fact]
    public async Task A_too_long_idempotency_key_is_a_400_naming_idempotencyKey()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        (HttpStatusCode status, string body) = await PostRawAsync(ana, "/api/cases/SD-1001/grants", new { action = "Refund", amount = 10m, idempotencyKey = new string('k', 300) });

        status.Should().Be(HttpStatusCode.BadRequest, body);
        JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("idempotencyKey", out _).Should().BeTrue(body);
    }

    [Fact]
    public async Task Resolving_without_a_body_resolves()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        using HttpResponseMessage response = await ana.PostAsync("/api/cases/SD-1001/resolve", null);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Two_approvals_at_once_give_one_grant_and_one_conflict()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient tara = await _desk.SignInAsync("tara");
        HttpClient maya = await _desk.SignInAsync("maya");
        await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", new { action = "Refund", amount = 400m });

        (HttpStatusCode Status, string Body)[] results = await Task.WhenAll(
            PostRawAsync(tara, "/api/approvals/SD-1002/approve", new { }),
            PostRawAsync(maya, "/api/approvals/SD-1002/approve", new { }));

        results.Select(r => r.Status).Should().BeEquivalentTo([HttpStatusCode.OK, HttpStatusCode.Conflict], string.Join("\n", results.Select(r => r.Body)));
    }
}
