using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Samples.SupportDesk.Tests;

/// <summary>Every SupportDesk endpoint through the real app: cookies, SQLite, the seeded cases.</summary>
public sealed class EndpointTests : IAsyncLifetime
{
    private readonly SupportDeskFactory _desk = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static object Refund(decimal amount, string? key = null, string[]? reasonCodes = null) =>
        new { action = "Refund", amount, idempotencyKey = key, reasonCodes };

    [Fact]
    public async Task The_development_sign_in_offers_the_seeded_users_and_refuses_others_by_field()
    {
        HttpClient anonymous = _desk.CreateClient();

        JsonElement users = await anonymous.GetJsonAsync("/api/dev/users");
        JsonElement unknown = await anonymous.PostJsonAsync("/api/dev/sign-in", new { userId = "mallory" }, HttpStatusCode.BadRequest);

        users.EnumerateArray().Select(u => $"{u.Str("id")}:{u.Str("role")}").Should().Equal("ana:Agent", "ben:Agent", "sam:SeniorAgent", "tara:TeamLead", "maya:Manager");
        unknown.GetProperty("errors").GetProperty("userId")[0].GetString().Should().Contain("'mallory'");
    }

    [Fact]
    public async Task The_page_is_served_at_the_root()
    {
        HttpClient anonymous = _desk.CreateClient();

        string page = await anonymous.GetStringAsync("/");

        page.Should().Contain("<title>").And.Contain("SupportDesk").And.Contain("app.js");
    }

    [Fact]
    public async Task Outside_Development_there_is_no_development_sign_in()
    {
        await using var production = new SupportDeskFactory { Environment = "Production" };
        HttpClient anonymous = production.CreateClient();

        using HttpResponseMessage response = await anonymous.PostAsJsonAsync("/api/dev/sign-in", new { userId = "maya" });

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_api_answers_401_problem_details_to_anyone_not_signed_in()
    {
        HttpClient anonymous = _desk.CreateClient();

        using HttpResponseMessage response = await anonymous.GetAsync("/api/cases");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task The_identity_comes_from_the_sign_in_claims()
    {
        HttpClient tara = await _desk.SignInAsync("tara");

        JsonElement me = await tara.GetJsonAsync("/api/me");

        me.Str("id").Should().Be("tara");
        me.Str("role").Should().Be("TeamLead");
        me.Str("name").Should().Be("Tara");
    }

    [Fact]
    public async Task An_agent_lists_the_cases_they_own_and_opens_new_ones_owned_by_them()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement mine = await ana.GetJsonAsync("/api/cases");
        JsonElement opened = await ana.PostJsonAsync("/api/cases", new { customerId = "C-9009", subject = "Lost parcel", priority = "High", owner = new { id = "maya", role = "Manager" } }, HttpStatusCode.Created);
        JsonElement missing = await ana.PostJsonAsync("/api/cases", new { subject = "No customer" }, HttpStatusCode.BadRequest);

        mine.EnumerateArray().Select(c => c.Str("id")).Should().BeEquivalentTo("SD-1001", "SD-1002");
        opened.GetProperty("owner").Str("id").Should().Be("ana", "the owner comes from the sign-in, not the body");
        opened.Str("state").Should().Be("InProgress");
        (await ana.GetJsonAsync($"/api/cases/{opened.Str("id")}")).Str("subject").Should().Be("Lost parcel");
        missing.GetProperty("errors").GetProperty("customerId")[0].GetString().Should().Be("A value is required.");
    }

    [Fact]
    public async Task The_policy_in_force_is_described_for_anyone_signed_in_and_the_what_if_says_what_an_edit_changes()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient tara = await _desk.SignInAsync("tara");

        JsonElement policy = await ana.GetJsonAsync("/api/policy");
        JsonElement agent = policy.GetProperty("roles").EnumerateArray().Single(r => r.Str("name") == "Agent");
        JsonElement refund = agent.GetProperty("actions").EnumerateArray().Single(a => a.Str("action") == "Refund");
        JsonElement draft = await tara.GetJsonAsync("/api/policy/draft");
        var edited = System.Text.Json.Nodes.JsonNode.Parse(draft.Str("policy"))!;
        edited["Empowerment"]!["Roles"]!["Agent"]!["Limits"]!["Refund"]!["PerIncident"]!["Amount"] = "150";
        JsonElement whatIf = await tara.PostJsonAsync("/api/policy/what-if", new { policy = edited.ToJsonString() });
        JsonElement forbidden = await ana.PostJsonAsync("/api/policy/what-if", new { policy = edited.ToJsonString() }, HttpStatusCode.Forbidden);

        policy.Str("version").Should().MatchRegex("^[0-9a-f]{16}$");
        policy.Str("currency").Should().Be("USD");
        refund.GetProperty("perIncidentAmount").GetDecimal().Should().Be(100m);
        refund.GetProperty("budgets").EnumerateArray().Select(b => b.Str("scope")).Should().Equal("PerCustomer", "PerAgent");
        policy.GetProperty("lines").EnumerateArray().Should().Contain(l => l.Str("key") == "roles/Agent/actions/Refund/limit" && l.Str("text") == "Agent, Refund: up to 100 USD per incident");
        JsonElement changed = whatIf.GetProperty("changes").GetProperty("changed");
        changed.EnumerateArray().Select(c => c.Str("key")).Should().BeEquivalentTo("policy/version", "roles/Agent/actions/Refund/limit");
        changed.EnumerateArray().Single(c => c.Str("key") == "roles/Agent/actions/Refund/limit").Str("newText").Should().Be("Agent, Refund: up to 150 USD per incident");
        whatIf.GetProperty("report").GetProperty("totals").ValueKind.Should().Be(JsonValueKind.Object);
        forbidden.Str("code").Should().Be("leads-only");
    }

    [Fact]
    public async Task An_unknown_case_is_404_problem_details()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement problem = await ana.GetJsonAsync("/api/cases/SD-404", HttpStatusCode.NotFound);

        problem.Str("code").Should().Be("case-not-found");
    }

    [Fact]
    public async Task A_proposal_shows_the_decision_its_reasons_and_the_agents_headroom()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement within = await ana.PostJsonAsync("/api/cases/SD-1001/proposals", Refund(60m));
        JsonElement over = await ana.PostJsonAsync("/api/cases/SD-1002/proposals", Refund(400m));

        within.Str("outcome").Should().Be("Allowed");
        within.GetProperty("reasons").EnumerateArray().Should().OnlyContain(r => r.GetProperty("passed").GetBoolean());
        within.GetProperty("headroom").EnumerateArray().Single(h => h.Str("action") == "Refund").GetProperty("amount").GetDecimal().Should().Be(100m);
        over.Str("outcome").Should().Be("RequiresApproval");
        over.Str("requiredApproverRole").Should().Be("TeamLead");
        over.GetProperty("reasons").EnumerateArray().Should().Contain(r => r.Str("configurationPath") == "CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount" && !r.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task A_role_or_agent_forged_in_the_body_has_no_effect()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        var forged = new { action = "Refund", amount = 400m, role = "Manager", agentId = "maya", approver = new { approverId = "maya", role = "Manager" }, idempotencyKey = "SD-1002/forged" };

        JsonElement decision = await ana.PostJsonAsync("/api/cases/SD-1002/proposals", forged);
        JsonElement grant = await ana.PostJsonAsync("/api/cases/SD-1002/grants", forged);
        JsonElement small = await ana.PostJsonAsync("/api/cases/SD-1001/grants", new { action = "Refund", amount = 20m, role = "Manager", agentId = "maya", idempotencyKey = "SD-1001/small" });

        decision.Str("outcome").Should().Be("RequiresApproval", "Ana is an Agent whatever the body says");
        grant.GetProperty("granted").GetBoolean().Should().BeFalse();
        small.GetProperty("grant").Str("agentId").Should().Be("ana");
        small.GetProperty("grant").Str("role").Should().Be("Agent");
    }

    [Fact]
    public async Task A_grant_within_authority_is_made_once_and_noted_on_the_case()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement first = await ana.PostJsonAsync("/api/cases/SD-1001/grants", Refund(60m, "SD-1001/refund/1"));
        JsonElement retry = await ana.PostJsonAsync("/api/cases/SD-1001/grants", Refund(60m, "SD-1001/refund/1"));
        JsonElement noKey = await ana.PostJsonAsync("/api/cases/SD-1001/grants", Refund(10m), HttpStatusCode.BadRequest);
        JsonElement timeline = await ana.GetJsonAsync("/api/cases/SD-1001/timeline");

        first.GetProperty("granted").GetBoolean().Should().BeTrue();
        retry.GetProperty("replay").GetBoolean().Should().BeTrue();
        retry.GetProperty("grant").Str("grantId").Should().Be(first.GetProperty("grant").Str("grantId"));
        noKey.GetProperty("errors").TryGetProperty("idempotencyKey", out _).Should().BeTrue();
        timeline.EnumerateArray().Where(e => e.Str("kind") == "Note").Select(e => e.Str("note"))
            .Should().ContainSingle().Which.Should().Contain(first.GetProperty("grant").Str("grantId"));
    }

    [Fact]
    public async Task Over_authority_the_request_goes_to_the_team_lead_queue_with_its_deadline()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient tara = await _desk.SignInAsync("tara");

        JsonElement waiting = await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", new { action = "Refund", amount = 400m, note = "Second machine" });
        JsonElement taraQueue = await tara.GetJsonAsync("/api/approvals");
        JsonElement anaQueue = await ana.GetJsonAsync("/api/approvals");

        waiting.Str("state").Should().Be("AwaitingApproval");
        waiting.GetProperty("pendingApproval").Str("requiredApproverRole").Should().Be("TeamLead");
        JsonElement item = taraQueue.GetProperty("items").EnumerateArray().Should().ContainSingle().Subject;
        item.Str("caseId").Should().Be("SD-1002");
        item.Str("requestedBy").Should().Be("ana");
        item.GetProperty("dueAt").GetDateTimeOffset().Should().Be(SupportDeskFactory.Start.AddMinutes(15), "the TeamLead level's ApprovalTimeout is 15 minutes");
        taraQueue.GetProperty("now").GetDateTimeOffset().Should().Be(SupportDeskFactory.Start);
        anaQueue.GetProperty("items").GetArrayLength().Should().Be(0, "an Agent ranks below every approval level");
    }

    [Fact]
    public async Task The_queue_is_ordered_by_deadline_not_by_arrival()
    {
        HttpClient ben = await _desk.SignInAsync("ben");
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient maya = await _desk.SignInAsync("maya");
        HttpClient tara = await _desk.SignInAsync("tara");

        // First in: an open chargeback needs a Manager, whose level gives approvals an hour.
        await ben.PostJsonAsync("/api/cases/SD-1003/approval-requests", Refund(50m, reasonCodes: ["ChargebackOpen"]));
        _desk.Time.Advance(TimeSpan.FromMinutes(10));
        // Ten minutes later: a TeamLead approval, due in 15 minutes, so sooner.
        await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", Refund(400m));

        JsonElement mayaQueue = await maya.GetJsonAsync("/api/approvals");
        JsonElement taraQueue = await tara.GetJsonAsync("/api/approvals");

        mayaQueue.GetProperty("items").EnumerateArray().Select(i => i.Str("caseId")).Should().Equal("SD-1002", "SD-1003");
        taraQueue.GetProperty("items").EnumerateArray().Select(i => i.Str("caseId")).Should().Equal(["SD-1002"], "the Manager level is above a TeamLead");
    }

    [Fact]
    public async Task The_team_lead_approves_the_case_returns_to_its_owner_who_resolves_it()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient tara = await _desk.SignInAsync("tara");
        JsonElement waiting = await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", Refund(400m));

        JsonElement approved = await tara.PostJsonAsync("/api/approvals/SD-1002/approve", new { note = "Two faulty machines", expectedVersion = waiting.GetProperty("version").GetInt64() });
        JsonElement seenByAna = await ana.GetJsonAsync("/api/cases/SD-1002");
        JsonElement resolved = await ana.PostJsonAsync("/api/cases/SD-1002/resolve", new { note = "Refund on its way", expectedVersion = seenByAna.GetProperty("version").GetInt64() });
        JsonElement timeline = await ana.GetJsonAsync("/api/cases/SD-1002/timeline");

        approved.GetProperty("grant").Str("approverId").Should().Be("tara");
        approved.GetProperty("grant").GetProperty("amount").GetDecimal().Should().Be(400m);
        seenByAna.Str("state").Should().Be("InProgress");
        seenByAna.GetProperty("handler").Str("id").Should().Be("ana");
        seenByAna.GetProperty("lastApproval").Str("outcome").Should().Be("Approved");
        seenByAna.GetProperty("lastApproval").Str("by").Should().Be("tara");
        seenByAna.GetProperty("lastApproval").Str("grantId").Should().Be(approved.GetProperty("grant").Str("grantId"));
        resolved.Str("state").Should().Be("Resolved");
        timeline.EnumerateArray().Where(e => e.Str("kind") == "Transition").Select(e => e.Str("trigger"))
            .Should().ContainInOrder("RequestApproval", "Approve", "Resolve");
        (await tara.GetJsonAsync("/api/approvals")).GetProperty("items").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_and_returns_the_case_to_its_owner()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient tara = await _desk.SignInAsync("tara");
        await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", Refund(400m));

        JsonElement noReason = await tara.PostJsonAsync("/api/approvals/SD-1002/reject", new { }, HttpStatusCode.BadRequest);
        JsonElement rejected = await tara.PostJsonAsync("/api/approvals/SD-1002/reject", new { reason = "Offer a replacement first" });

        noReason.GetProperty("errors").GetProperty("reason")[0].GetString().Should().Be("A value is required.");
        rejected.Str("state").Should().Be("InProgress");
        rejected.GetProperty("lastApproval").Str("outcome").Should().Be("Rejected");
    }

    [Fact]
    public async Task An_agent_cannot_approve_a_colleagues_request()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient ben = await _desk.SignInAsync("ben");
        await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", Refund(400m));

        JsonElement problem = await ben.PostJsonAsync("/api/approvals/SD-1002/approve", new { }, HttpStatusCode.Forbidden);

        problem.Str("code").Should().Be("approval-refused");
        problem.Str("reason").Should().Be("InsufficientAuthority");
    }

    [Fact]
    public async Task Resolving_a_case_that_waits_for_approval_is_an_illegal_transition()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", Refund(400m));

        JsonElement problem = await ana.PostJsonAsync("/api/cases/SD-1002/resolve", new { }, HttpStatusCode.Conflict);

        problem.Str("code").Should().Be("illegal-transition");
        problem.Str("state").Should().Be("AwaitingApproval");
        problem.Str("trigger").Should().Be("Resolve");
    }

    [Fact]
    public async Task Approving_a_version_someone_else_changed_is_a_409_with_a_retry_hint()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient tara = await _desk.SignInAsync("tara");
        JsonElement waiting = await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", Refund(400m));
        long seen = waiting.GetProperty("version").GetInt64();
        await ana.PostJsonAsync("/api/cases/SD-1002/nudges", new { turns = Array.Empty<object>() }); // reads only
        await tara.PostJsonAsync("/api/approvals/SD-1002/reject", new { reason = "Not yet", expectedVersion = seen });

        using HttpResponseMessage response = await tara.PostAsJsonAsync("/api/approvals/SD-1002/approve", new { expectedVersion = seen });
        JsonElement problem = await response.JsonAsync(HttpStatusCode.Conflict);

        problem.Str("code").Should().Be("concurrency-conflict");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.Zero);
        problem.GetProperty("currentVersion").GetInt64().Should().Be(seen + 1);
    }

    [Fact]
    public async Task Live_nudges_answer_the_latest_turn()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement nudges = await ana.PostJsonAsync("/api/cases/SD-1002/nudges", new
        {
            turns = new object[]
            {
                new { speaker = "Agent", text = "Hi, this is Ana, how can I help?" },
                new { speaker = "Customer", text = "This is the second machine that leaks. I am furious and this is ridiculous." },
                new { speaker = "Agent", text = "Unfortunately that is our policy, you need to send it back first." },
            },
        });

        nudges.EnumerateArray().Select(n => n.Str("kind")).Should().Contain("AcknowledgeFeelings", "the agent's answer did not acknowledge how the customer feels")
            .And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_reviewed_interaction_gets_a_scorecard_and_counts_in_the_metrics()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement scorecard = await ana.PostJsonAsync("/api/coaching/reviews", new
        {
            caseId = "SD-1001",
            resolvedAtFirstContact = true,
            survey = new { satisfaction = 5 },
            turns = new object[]
            {
                new { speaker = "Customer", text = "My parcel arrived two weeks late." },
                new { speaker = "Agent", text = "I'm so sorry about that. I've refunded the delivery fee right now. Is there anything else I can do?" },
                new { speaker = "Customer", text = "No, that's great, thank you!" },
            },
        });
        JsonElement noCustomer = await ana.PostJsonAsync("/api/coaching/reviews", new { turns = Array.Empty<object>() }, HttpStatusCode.BadRequest);
        JsonElement metrics = await ana.GetJsonAsync("/api/metrics");

        scorecard.GetProperty("score").GetDouble().Should().BeInRange(0, 100);
        scorecard.GetProperty("criteria").GetArrayLength().Should().BeGreaterThan(0);
        noCustomer.GetProperty("errors").TryGetProperty("customerId", out _).Should().BeTrue();
        JsonElement overall = metrics.GetProperty("overall");
        overall.GetProperty("interactions").GetInt32().Should().Be(1);
        overall.GetProperty("csat").GetProperty("value").GetDouble().Should().Be(100);
        overall.GetProperty("firstContactResolution").GetProperty("value").GetDouble().Should().Be(100);
        overall.GetProperty("cases").GetInt32().Should().Be(4, "the four seeded cases");
    }

    [Fact]
    public async Task An_approval_left_alone_moves_up_to_a_manager_while_the_app_runs()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        HttpClient maya = await _desk.SignInAsync("maya");
        await ana.PostJsonAsync("/api/cases/SD-1002/approval-requests", Refund(400m));

        // Past the TeamLead level's 15 minutes: the escalation monitor (a hosted service on the
        // app's clock) processes the deadline on its next tick.
        _desk.Time.Advance(TimeSpan.FromMinutes(16));
        JsonElement moved = await Eventually(() => ana.GetJsonAsync("/api/cases/SD-1002"), c => c.GetProperty("level").GetInt32() == 2);
        JsonElement mayaQueue = await maya.GetJsonAsync("/api/approvals");

        moved.Str("state").Should().Be("AwaitingApproval");
        moved.Str("levelName").Should().Be("Manager");
        mayaQueue.GetProperty("items")[0].GetProperty("dueAt").GetDateTimeOffset().Should().BeAfter(_desk.Time.GetUtcNow());
        (await ana.GetJsonAsync("/api/cases/SD-1002/timeline")).EnumerateArray().Should().Contain(e => e.Str("kind") == "SlaBreach");
    }

    [Fact]
    public async Task A_bad_policy_stops_the_app_at_start_before_the_database_is_created()
    {
        // The list of errors the operator reads (and exit code 1) is checked on the real process in
        // StartupTests; in the test host, Program returns before the server starts.
        await using var desk = new SupportDeskFactory();
        desk.Settings["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "-1";

        Action start = () => desk.CreateClient();

        start.Should().Throw<InvalidOperationException>().WithMessage("*not been started*");
        File.Exists(desk.DatabasePath).Should().BeFalse();
    }

    /// <summary>
    /// Reads until the condition holds. The clock is fake and already moved; this only waits for
    /// the hosted service's loop to run on another thread, and gives up after ten seconds.
    /// </summary>
    private static async Task<JsonElement> Eventually(Func<Task<JsonElement>> read, Func<JsonElement, bool> condition)
    {
        DateTime giveUp = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            JsonElement value = await read();
            if (condition(value) || DateTime.UtcNow > giveUp)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
