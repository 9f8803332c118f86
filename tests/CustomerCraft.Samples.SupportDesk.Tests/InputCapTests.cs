using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CustomerCraft.Samples.SupportDesk.Tests;

/// <summary>
/// Issue 15 item 5: 200,000 turns took 27 s on the nudges endpoint and notes up to Kestrel's 30 MB
/// were stored. The sample sets CustomerCraft's caps (appsettings.json), and ids are compared the
/// library's way in the ownership check.
/// </summary>
public sealed class InputCapTests : IAsyncLifetime
{
    private readonly SupportDeskFactory _desk = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static async Task<JsonElement> PostAsync(HttpClient client, string url, object body, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(url, body, SupportDeskFactory.Json);
        return await response.JsonAsync(expected);
    }

    [Fact]
    public async Task Nudges_for_more_turns_than_the_sample_allows_are_a_400_naming_the_setting()
    {
        HttpClient ana = await _desk.SignInAsync("ana");
        object[] turns = [.. Enumerable.Range(0, 501).Select(i => new { speaker = i % 2 == 0 ? "Customer" : "Agent", text = "hello" })];

        JsonElement problem = await PostAsync(ana, "/api/cases/SD-1001/nudges", new { turns }, HttpStatusCode.BadRequest);

        problem.GetRawText().Should().Contain("CustomerCraft:Coaching:MaxTurns allows 500");
        await PostAsync(ana, "/api/cases/SD-1001/nudges", new { turns = turns[..500] }, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_review_with_a_turn_longer_than_the_sample_allows_is_a_400_naming_the_turn()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement problem = await PostAsync(ana, "/api/coaching/reviews", new { caseId = "SD-1001", turns = new[] { new { speaker = "Customer", text = new string('x', 4001) } } }, HttpStatusCode.BadRequest);

        problem.GetRawText().Should().Contain("interaction.Turns[0].Text is 4001 characters long; CustomerCraft:Coaching:MaxTurnLength allows 4000");
    }

    [Fact]
    public async Task A_note_longer_than_the_sample_allows_is_a_400_and_the_case_is_unchanged()
    {
        HttpClient ana = await _desk.SignInAsync("ana");

        JsonElement problem = await PostAsync(ana, "/api/cases/SD-1001/resolve", new { note = new string('n', 2001) }, HttpStatusCode.BadRequest);

        problem.GetProperty("errors").GetProperty("note")[0].GetString().Should().Be("note is 2001 characters long; CustomerCraft:Escalation:MaxNoteLength allows 2000.");
        (await ana.GetJsonAsync("/api/cases/SD-1001")).Str("state").Should().Be("InProgress");
    }

    [Fact]
    public async Task An_agent_signed_in_as_another_spelling_of_the_owner_works_the_owners_case()
    {
        _desk.Settings["SupportDesk:Users:5:Id"] = "ANA";
        _desk.Settings["SupportDesk:Users:5:Name"] = "Ana again";
        _desk.Settings["SupportDesk:Users:5:Role"] = "Agent";
        HttpClient upper = await _desk.SignInAsync("ANA");

        JsonElement resolved = await PostAsync(upper, "/api/cases/SD-1001/resolve", new { note = "done" }, HttpStatusCode.OK);

        resolved.Str("state").Should().Be("Resolved", "ANA is ana under CustomerCraft:IdComparison IgnoreCase");
    }
}
