using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CustomerCraft.Empowerment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CustomerCraft.AspNetCore.Tests;

public sealed class AgentIdentityTests
{
    private const string Id = ClaimTypes.NameIdentifier;
    private const string Role = ClaimTypes.Role;

    /// <summary>An app whose one endpoint echoes the bound identity.</summary>
    private static Task<TestApp> EchoAppAsync(Action<CustomerCraftAspNetCoreOptions>? configure = null) =>
        TestApp.StartAsync(app => app.MapGet("/me", (AgentIdentity agent) => agent), configure);

    private static async Task<JsonElement> MeAsync(TestApp app, string? claims, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Get, "/me", claims));
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task The_id_role_and_name_come_from_ASP_NET_Cores_claim_types_by_default()
    {
        await using TestApp app = await EchoAppAsync();

        JsonElement me = await MeAsync(app, $"{Id}=ana;{Role}=Agent;{ClaimTypes.Name}=Ana Lopez");

        me.GetProperty("id").GetString().Should().Be("ana");
        me.GetProperty("role").GetString().Should().Be("Agent");
        me.GetProperty("name").GetString().Should().Be("Ana Lopez");
    }

    [Fact]
    public async Task The_claim_types_are_configurable()
    {
        await using TestApp app = await EchoAppAsync(o =>
        {
            o.AgentIdClaimType = "employee_id";
            o.RoleClaimType = "support_role";
            o.NameClaimType = "display_name";
        });

        JsonElement me = await MeAsync(app, $"employee_id=E-77;support_role=TeamLead;display_name=Tina;{Id}=someone-else;{Role}=Manager");

        me.GetProperty("id").GetString().Should().Be("E-77");
        me.GetProperty("role").GetString().Should().Be("TeamLead", "only the configured role claim type counts, so the standard Manager claim is ignored");
        me.GetProperty("name").GetString().Should().Be("Tina");
    }

    [Fact]
    public async Task A_user_with_several_configured_roles_acts_with_the_highest_ranking_one_spelled_as_configured()
    {
        await using TestApp app = await EchoAppAsync();

        JsonElement me = await MeAsync(app, $"{Id}=tina;{Role}=agent;{Role}=Admin;{Role}=teamlead;{Role}=SeniorAgent");

        me.GetProperty("role").GetString().Should().Be("TeamLead");
    }

    [Fact]
    public async Task Nobody_signed_in_is_401_with_a_problem()
    {
        await using TestApp app = await EchoAppAsync();

        JsonElement problem = await MeAsync(app, claims: null, HttpStatusCode.Unauthorized);

        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.NotAuthenticated);
    }

    [Fact]
    public async Task A_user_without_a_configured_role_is_403_and_the_message_lists_the_roles()
    {
        await using TestApp app = await EchoAppAsync();

        JsonElement problem = await MeAsync(app, $"{Id}=olga;{Role}=Admin", HttpStatusCode.Forbidden);

        problem.GetProperty("code").GetString().Should().Be(ProblemCodes.NoAgentIdentity);
        problem.GetProperty("detail").GetString().Should().Contain("'olga'").And.Contain("Agent, SeniorAgent, TeamLead, Manager");
    }

    [Fact]
    public async Task A_user_without_the_id_claim_is_403_naming_the_claim_type()
    {
        await using TestApp app = await EchoAppAsync(o => o.AgentIdClaimType = "employee_id");

        JsonElement problem = await MeAsync(app, $"{Id}=ana;{Role}=Agent", HttpStatusCode.Forbidden);

        problem.GetProperty("detail").GetString().Should().Contain("'employee_id'");
    }

    [Fact]
    public async Task A_role_in_the_request_body_never_reaches_the_library()
    {
        // The endpoint takes the client's whole ResolutionRequest, role included, and stamps it with
        // the signed-in agent: a client saying it is a Manager is still judged as the Agent it is.
        await using TestApp app = await TestApp.StartAsync(app => app.MapPost("/evaluate",
            async (ResolutionRequest body, AgentIdentity agent, IResolutionAuthority authority) =>
            {
                AuthorityDecision decision = await authority.EvaluateAsync(agent.Stamp(body));
                return new { decision.Outcome, decision.Role, decision.Request.AgentId };
            }));
        var forged = new { agentId = "mia", role = "Manager", customerId = "C-1", incidentId = "T-1", action = "Refund", amount = 400m };

        using HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Post, "/evaluate", $"{Id}=ana;{Role}=Agent", forged));
        JsonElement result = await response.Content.ReadFromJsonAsync<JsonElement>();

        result.GetProperty("role").GetString().Should().Be("Agent");
        result.GetProperty("agentId").GetString().Should().Be("ana");
        result.GetProperty("outcome").GetString().Should().Be(nameof(DecisionOutcome.RequiresApproval), "$400 is over the Agent's $100 and within the Manager's $5,000 the body claimed");
    }

    [Fact]
    public async Task A_request_built_for_the_signed_in_agent_carries_only_the_claims_identity()
    {
        // The body type has no agent or role at all; CreateRequest compiles without them (the
        // ResolutionRequest's required members are set from the claims) and a forged "role" in
        // the JSON is simply not bound.
        await using TestApp app = await TestApp.StartAsync(app => app.MapPost("/cases/{caseId}/proposals",
            async (string caseId, ProposalBody body, AgentIdentity agent, IResolutionAuthority authority) =>
            {
                ResolutionRequest request = agent.CreateRequest("C-1", caseId, body.Action, body.Amount) with { ReasonCodes = body.ReasonCodes };
                AuthorityDecision decision = await authority.EvaluateAsync(request);
                return new { decision.Outcome, decision.Role, decision.Request.AgentId, decision.Request.IncidentId, reasons = decision.Request.ReasonCodes };
            }));
        var forged = new { agentId = "mia", role = "Manager", action = "Refund", amount = 400m, reasonCodes = new[] { "LateDelivery" } };

        using HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Post, "/cases/T-9/proposals", $"{Id}=ana;{Role}=Agent", forged));
        JsonElement result = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        result.GetProperty("agentId").GetString().Should().Be("ana");
        result.GetProperty("role").GetString().Should().Be("Agent");
        result.GetProperty("incidentId").GetString().Should().Be("T-9");
        result.GetProperty("reasons")[0].GetString().Should().Be("LateDelivery");
        result.GetProperty("outcome").GetString().Should().Be(nameof(DecisionOutcome.RequiresApproval), "$400 is over the Agent's $100");
    }

    /// <summary>What a client sends for a proposal: no agent id, no role.</summary>
    private sealed record ProposalBody(string Action, decimal Amount, IReadOnlyList<string>? ReasonCodes = null);

    [Fact]
    public async Task The_identity_is_read_once_per_request()
    {
        await using TestApp app = await TestApp.StartAsync(app => app.MapGet("/twice",
            (HttpContext http) => ReferenceEquals(http.GetAgentIdentity(), http.GetAgentIdentity())));

        using HttpResponseMessage response = await app.Client.SendAsync(TestApp.Request(HttpMethod.Get, "/twice", $"{Id}=ana;{Role}=Agent"));

        (await response.Content.ReadFromJsonAsync<bool>()).Should().BeTrue();
    }

    [Fact]
    public async Task Without_AddAspNetCore_the_error_says_what_to_call()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        await using WebApplication app = builder.Build();
        var http = new DefaultHttpContext { RequestServices = app.Services };

        Action read = () => http.GetAgentIdentity();

        read.Should().Throw<InvalidOperationException>().WithMessage("*AddAspNetCore()*");
    }

    [Fact]
    public async Task An_empty_claim_type_stops_the_host_at_start_naming_the_setting()
    {
        Func<Task> start = () => TestApp.StartAsync(_ => { }, o => o.RoleClaimType = " ");

        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*RoleClaimType*");
    }

    [Fact]
    public void Stamp_replaces_the_agent_and_role_and_keeps_the_rest()
    {
        var agent = new AgentIdentity("ana", "Agent");
        ResolutionRequest forged = CustomerCraft.Tests.Empowerment.PolicyFixtures.Refund(60m, role: "Manager", agent: "mia", key: "k-1");

        ResolutionRequest stamped = agent.Stamp(forged);

        stamped.Should().BeEquivalentTo(forged with { AgentId = "ana", Role = "Agent" });
        agent.ToActor().Should().Be(new Escalation.CaseActor("ana", "Agent"));
    }
}
