using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using CustomerCraft.AspNetCore;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerCraft.Benchmarks;

/// <summary>
/// What the ASP.NET Core layer adds to a decision: a minimal API endpoint on the in-process test
/// server (no sockets) that binds the agent from the user's claims, reads a JSON body, evaluates
/// and writes JSON, against the same evaluation called directly; and the cost of a refusal
/// answered as problem details (an exception, the handler, the problem JSON).
/// </summary>
/// <remarks>
/// The in-memory stores, so the numbers are the HTTP layer's and the library's, not a database's.
/// The user is set by a one-line middleware, as an authentication handler would leave it.
/// </remarks>
[MemoryDiagnoser]
public class AspNetCoreBenchmarks
{
    private static readonly ClaimsPrincipal Ana = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "ana"), new Claim(ClaimTypes.Name, "Ana"), new Claim(ClaimTypes.Role, "Employee"), new Claim(ClaimTypes.Role, "Agent")],
        "Benchmark"));

    private static readonly ResolutionRequest Refund = new()
    {
        AgentId = "ana", Role = "Agent", CustomerId = "C-1", IncidentId = "T-1", Action = "Refund", Amount = 60m,
    };

    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private IResolutionAuthority _authority = null!;
    private IServiceProvider _services = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddCustomerCraft(Workload.Configuration(Workload.PolicyShape.IncidentOnly)).AddAspNetCore();
        _app = builder.Build();
        _app.Use((context, next) => { context.User = Ana; return next(context); });
        _app.MapPost("/proposals", async (Proposal body, AgentIdentity agent, IResolutionAuthority authority) =>
        {
            AuthorityDecision decision = await authority.EvaluateAsync(agent.Stamp(Refund with { Action = body.Action, Amount = body.Amount }));
            return new { decision.Outcome, decision.RequiredApproverRole };
        });
        _app.MapPost("/refused", async (AgentIdentity agent, ICaseWorkflow workflow) =>
            await workflow.ApproveAsync("no-such-case", agent.ToActor()));
        await _app.StartAsync();
        _client = _app.GetTestClient();
        _authority = _app.Services.GetRequiredService<IResolutionAuthority>();
        _services = _app.Services;

        using HttpResponseMessage ok = await _client.PostAsJsonAsync("/proposals", new Proposal("Refund", 60m));
        using HttpResponseMessage refused = await _client.PostAsync("/refused", null);
        if (ok.StatusCode != HttpStatusCode.OK || refused.StatusCode != HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"Unexpected answers: {ok.StatusCode}, {refused.StatusCode}.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>The evaluation alone, as a host calls it in process.</summary>
    [Benchmark(Baseline = true)]
    public async Task<DecisionOutcome> EvaluateDirectly() => (await _authority.EvaluateAsync(Refund)).Outcome;

    /// <summary>The agent read from the claims of a new request (three role claims, one configured).</summary>
    [Benchmark]
    public string ReadAgentIdentity() => new DefaultHttpContext { User = Ana, RequestServices = _services }.GetAgentIdentity().Role;

    /// <summary>POST a proposal: claims, JSON in, evaluation, JSON out, on the test server.</summary>
    [Benchmark]
    public async Task<HttpStatusCode> ProposeOverHttp()
    {
        using HttpResponseMessage response = await _client.PostAsJsonAsync("/proposals", new Proposal("Refund", 60m));
        await response.Content.CopyToAsync(Stream.Null);
        return response.StatusCode;
    }

    /// <summary>A refusal (an unknown case) answered as a 404 problem: the exception, the handler, the JSON.</summary>
    [Benchmark]
    public async Task<HttpStatusCode> RefusalAsProblemDetails()
    {
        using HttpResponseMessage response = await _client.PostAsync("/refused", null);
        await response.Content.CopyToAsync(Stream.Null);
        return response.StatusCode;
    }

    public sealed record Proposal(string Action, decimal Amount);
}
