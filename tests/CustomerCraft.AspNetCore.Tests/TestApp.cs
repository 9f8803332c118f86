using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CustomerCraft.AspNetCore;
using CustomerCraft.Tests.Escalation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.AspNetCore.Tests;

/// <summary>
/// A minimal ASP.NET Core host on the test server: the ladder policy of the core's tests,
/// <c>AddAspNetCore()</c>, and an authentication scheme that signs the request in with the
/// claims in its <c>X-Test-Claims</c> header ("type=value;type=value"), or nobody without it.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, FakeLogCollector logs)
    {
        App = app;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public FakeLogCollector Logs { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<TestApp> StartAsync(
        Action<WebApplication> map,
        Action<CustomerCraftAspNetCoreOptions>? configure = null,
        string environment = "Production",
        IDictionary<string, string?>? settings = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings ?? EscalationFixtures.Ladder());
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero)));
        builder.Services.AddCustomerCraft(builder.Configuration.GetSection("CustomerCraft")).AddAspNetCore(configure);
        builder.Services.AddAuthentication(HeaderClaimsHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderClaimsHandler>(HeaderClaimsHandler.SchemeName, null);
        WebApplication app = builder.Build();
        app.UseAuthentication();
        map(app);
        await app.StartAsync();
        return new TestApp(app, app.Services.GetFakeLogCollector());
    }

    /// <summary>A request signed in with the given claims.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, string? claims, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (claims is not null)
        {
            request.Headers.Add(HeaderClaimsHandler.Header, claims);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }

    private sealed class HeaderClaimsHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestClaims";
        public const string Header = "X-Test-Claims";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(Header, out var value))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = value.ToString().Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2))
                .Select(parts => new Claim(parts[0], parts[1]));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }
    }
}
