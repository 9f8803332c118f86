using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Escalation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.AspNetCore.Tests;

/// <summary>
/// Each CustomerCraft error kind, raised by the real library on the test server, answers with its
/// status, its <c>code</c> and the details a client needs.
/// </summary>
public sealed class ProblemDetailsTests
{
    private const string Ana = $"{ClaimTypes.NameIdentifier}=ana;{ClaimTypes.Role}=Agent";

    private static void MapScenarios(WebApplication app)
    {
        app.MapPost("/validation", async (IResolutionAuthority authority) => await authority.EvaluateAsync(Refund(-5m)));
        app.MapPost("/approver-role", async (IResolutionAuthority authority) =>
            await authority.GrantAsync(Refund(400m, key: "k-1") with { Approver = new ApproverAuthority("tina", "Overlord") }));
        app.MapPost("/transition", async (ICaseWorkflow workflow) =>
        {
            await workflow.OpenAsync("case-1");
            return await workflow.ApproveAsync("case-1", EscalationFixtures.Tina);
        });
        app.MapPost("/concurrency", async (ICaseWorkflow workflow) =>
        {
            SupportCase opened = await workflow.OpenAsync("case-1");
            await workflow.AddNoteAsync("case-1", EscalationFixtures.Ana, "first", opened.Version);
            return await workflow.AddNoteAsync("case-1", EscalationFixtures.Ana, "second, on the stale version", opened.Version);
        });
        app.MapPost("/case-exists", async (ICaseWorkflow workflow) =>
        {
            await workflow.OpenAsync("case-1");
            return await workflow.OpenAsync("case-1");
        });
        app.MapPost("/not-found", async (ICaseWorkflow workflow) => await workflow.ResolveAsync("no-such-case", EscalationFixtures.Ana));
        app.MapPost("/own-approval", async (ICaseWorkflow workflow) =>
        {
            await workflow.AwaitingApprovalAsync(400m);
            return await workflow.ApproveAsync("case-1", EscalationFixtures.Ana);
        });
        app.MapPost("/not-required", async (ICaseWorkflow workflow) =>
        {
            await workflow.OpenAsync("case-1");
            return await workflow.RequestApprovalAsync("case-1", Refund(50m, incident: "case-1"));
        });
        app.MapPost("/idempotency", async (IResolutionAuthority authority) =>
        {
            await authority.GrantAsync(Refund(60m, key: "k-1"));
            return await authority.GrantAsync(Refund(70m, key: "k-1"));
        });
        app.MapPost("/configuration", () =>
        {
            // Options validated lazily fail at the first request that reads them.
            throw new OptionsValidationException(Options.DefaultName, typeof(CustomerCraftOptions), ["CustomerCraft:Empowerment:Roles:Agent:Rank: -1 is negative."]);
        });
        app.MapPost("/host-argument", () =>
        {
            // A bug in the host's own code is not the client's fault and not CustomerCraft's to map.
            throw new ArgumentException("The host got its own arguments wrong.", "whatever");
        });
    }

    private static async Task<(HttpResponseMessage Response, JsonElement Problem)> PostAsync(TestApp app, string url)
    {
        HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Post, url, Ana));
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return (response, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task A_bad_field_is_400_naming_the_field_as_a_json_client_spells_it()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/validation");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.Validation);
        problem.GetProperty("errors").GetProperty("amount")[0].GetString().Should().Be("Amount must be greater than zero; got -5.");
    }

    [Fact]
    public async Task A_nested_field_keeps_its_path()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/approver-role");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("approver.role")[0].GetString().Should().Contain("'Overlord'");
    }

    [Fact]
    public async Task A_grant_without_an_idempotency_key_names_the_missing_field()
    {
        await using TestApp app = await TestApp.StartAsync(a => a.MapPost("/no-key", async (IResolutionAuthority authority) => await authority.GrantAsync(Refund(60m))));

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/no-key");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").GetProperty("idempotencyKey")[0].GetString().Should().StartWith("A grant needs an IdempotencyKey");
    }

    [Fact]
    public async Task An_illegal_transition_is_409_with_the_state_and_the_move()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/transition");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.IllegalTransition);
        problem.GetProperty("state").GetString().Should().Be("InProgress");
        problem.GetProperty("trigger").GetString().Should().Be("Approve");
        problem.GetProperty("caseId").GetString().Should().Be("case-1");
        response.Headers.Contains("Retry-After").Should().BeFalse("repeating an illegal move does not help");
    }

    [Fact]
    public async Task A_concurrency_conflict_is_409_with_a_retry_hint_and_the_versions()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/concurrency");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.ConcurrencyConflict);
        response.Headers.GetValues("Retry-After").Should().Equal("0");
        problem.GetProperty("expectedVersion").GetInt64().Should().Be(1);
        problem.GetProperty("currentVersion").GetInt64().Should().Be(2);
        problem.GetProperty("retry").GetString().Should().Contain("Read the case again");
    }

    [Fact]
    public async Task Opening_a_case_whose_id_exists_is_its_own_409_with_no_retry_hint()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/case-exists");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.CaseExists);
        problem.GetProperty("caseId").GetString().Should().Be("case-1");
        problem.GetProperty("detail").GetString().Should().Contain("already exists").And.NotContain("retry");
        response.Headers.Contains("Retry-After").Should().BeFalse("the same id can never be opened again, so a retry cannot succeed");
    }

    [Fact]
    public async Task An_unknown_case_is_404()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/not-found");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.CaseNotFound);
        problem.GetProperty("caseId").GetString().Should().Be("no-such-case");
    }

    [Fact]
    public async Task Approving_ones_own_request_is_403_with_the_reason()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/own-approval");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.ApprovalRefused);
        problem.GetProperty("reason").GetString().Should().Be(nameof(ApprovalRefusal.OwnRequest));
    }

    [Fact]
    public async Task Asking_approval_for_what_is_within_authority_is_422()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/not-required");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("reason").GetString().Should().Be(nameof(ApprovalRefusal.NotRequired));
    }

    [Fact]
    public async Task A_reused_idempotency_key_is_409_naming_the_key_and_the_grant()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/idempotency");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.IdempotencyConflict);
        problem.GetProperty("idempotencyKey").GetString().Should().Be("k-1");
        problem.GetProperty("existingGrantId").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_configuration_error_is_500_logged_with_its_details_and_not_sent_to_the_client()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/configuration");

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.Configuration);
        problem.GetRawText().Should().NotContain("Rank", "configuration details stay on the server");
        app.Logs.GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Error && r.Exception is OptionsValidationException)
            .Which.Message.Should().Contain("/configuration");
    }

    [Fact]
    public async Task The_hosts_own_errors_are_left_to_the_host()
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios);

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, "/host-argument");

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        problem.TryGetProperty("code", out _).Should().BeFalse();
        problem.GetRawText().Should().NotContain("its own arguments");
    }

    [Theory]
    [InlineData("/transition", HttpStatusCode.Conflict)]
    [InlineData("/validation", HttpStatusCode.BadRequest)]
    public async Task In_Development_the_developer_exception_page_does_not_turn_refusals_into_500s(string url, HttpStatusCode expected)
    {
        await using TestApp app = await TestApp.StartAsync(MapScenarios, environment: "Development");

        (HttpResponseMessage response, JsonElement problem) = await PostAsync(app, url);

        response.StatusCode.Should().Be(expected);
        problem.TryGetProperty("code", out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("request.Amount", "amount")]
    [InlineData("request.Approver.Role", "approver.role")]
    [InlineData("assignee.Role", "assignee.role")]
    [InlineData("caseId", "caseId")]
    [InlineData(null, "")]
    public void Field_names_follow_the_json_spelling(string? paramName, string expected) =>
        CustomerCraftExceptionHandler.FieldName(paramName).Should().Be(expected);
}
