using CustomerCraft;
using CustomerCraft.Samples.SupportDesk;
using CustomerCraft.Samples.SupportDesk.Endpoints;
using CustomerCraft.Samples.SupportDesk.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// SupportDesk: a small support application on CustomerCraft. Agents propose resolutions and see
// the decision, its reasons and their headroom; what is over their authority goes to an approver
// queue ordered by SLA deadline; team leads and managers approve or reject; the case returns to
// the agent who owns the customer. Cases, budgets and decisions live in SQLite.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
SupportDeskOptions desk = builder.Configuration.GetSection("SupportDesk").Get<SupportDeskOptions>() ?? new SupportDeskOptions();
builder.Services.Configure<SupportDeskOptions>(builder.Configuration.GetSection("SupportDesk"));
string database = Path.GetFullPath(desk.Database, builder.Environment.ContentRootPath);

// CustomerCraft: the policy from appsettings.json, durable stores, the deadline monitor, and the
// ASP.NET Core integration (agent identity from claims, errors as problem details).
builder.Services.AddCustomerCraft(builder.Configuration.GetSection("CustomerCraft"))
    .AddEntityFrameworkStores(o => o.UseSqlite($"Data Source={database}"))
    .AddEscalationMonitor(o => o.Interval = desk.MonitorInterval)
    .AddAspNetCore();

// Who is signed in: a cookie, issued by the development sign-in. A real host would use its own
// identity provider here; CustomerCraft only reads the NameIdentifier and Role claims.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.Cookie.Name = "supportdesk";
        o.Cookie.HttpOnly = true;
        // Strict keeps the cookie off requests from other sites, but a site is a registrable domain:
        // another port or subdomain (http://localhost:8000) is the same site. The cross-site guard
        // of AddAspNetCore() (RefuseCrossSiteRequests, on by default) refuses those requests.
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
        o.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
    });
builder.Services.AddAuthorization();
builder.Services.AddSingleton<InteractionArchive>();
builder.Services.AddSingleton<Ladder>();
builder.Services.AddSingleton<CaseViews>();

// OpenTelemetry: CustomerCraft's meter and activities (both named "CustomerCraft") on the console,
// with the API's writes as their parents (the page's polling GETs would drown them out).
if (desk.ConsoleTelemetry)
{
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(r => r.AddService("SupportDesk"))
        .WithMetrics(m => m.AddMeter("CustomerCraft").AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000))
        .WithTracing(t => t.AddSource("CustomerCraft").AddAspNetCoreInstrumentation(o => o.Filter = http => http.Request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(http.Request.Method)).AddConsoleExporter());
}

// Notes and turns are capped by CustomerCraft (appsettings.json); the body size caps the rest.
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = desk.MaxRequestBodySize);

WebApplication app = builder.Build();
try
{
    // Validates CustomerCraft's configuration before it creates the database or a table.
    await app.Services.MigrateCustomerCraftDatabaseAsync();
}
catch (OptionsValidationException error)
{
    // A configuration mistake is the operator's to fix, not a crash: every error with its
    // configuration path, no stack trace, and a plain failing exit code.
    string[] failures = [.. error.Failures];
    Console.Error.WriteLine($"SupportDesk cannot start: its configuration has {failures.Length} error(s).");
    foreach (string failure in failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return 1;
}

if (desk.SeedCases)
{
    await SeedCases.EnsureAsync(app.Services);
}

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseStatusCodePages(); // empty 4xx answers (a body that is not JSON, say) become problem details too
app.UseAuthentication();
app.UseAuthorization();

if (app.Environment.IsDevelopment() && desk.DevSignIn)
{
    app.MapDevSignIn();
}

app.MapCaseEndpoints();
app.MapApprovalEndpoints();
app.MapCoachingEndpoints();
app.MapPolicyEndpoints();
await app.RunAsync();
return 0;

/// <summary>The entry point; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
