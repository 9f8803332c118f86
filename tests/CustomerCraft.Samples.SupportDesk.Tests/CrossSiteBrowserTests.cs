using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CustomerCraft.Samples.SupportDesk.Tests;

/// <summary>
/// Issue 15: a page served from another port of the same host (the same site, so the
/// <c>SameSite=Strict</c> cookie went along) approved a $400 refund and resolved a colleague's case
/// for a signed-in team lead, with no click. In Debian's Chromium, that page is now refused.
/// </summary>
public sealed class CrossSiteBrowserTests
{
    [SkippableFact]
    public async Task A_page_on_another_port_cannot_approve_or_resolve_for_a_signed_in_team_lead()
    {
        Skip.IfNot(File.Exists(BrowserTests.ChromiumPath), $"Chromium is not installed at {BrowserTests.ChromiumPath}: `apt-get install -y chromium` (.ci/run does), or set CUSTOMERCRAFT_CHROMIUM.");
        await using var desk = new SupportDeskFactory();
        desk.UseKestrel(0);
        desk.StartServer();
        var app = new Uri(desk.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        string baseUrl = app.GetLeftPart(UriPartial.Authority);
        // Same host, another port: the same site for the cookie, another origin for the browser.
        string attacker = $"{app.Scheme}://{app.Host}:{(app.Port == 8000 ? 8001 : 8000)}";
        ICaseWorkflow workflow = desk.Services.GetRequiredService<ICaseWorkflow>();
        await workflow.RequestApprovalAsync("SD-1002", new ResolutionRequest
        {
            AgentId = "ana", Role = "Agent", CustomerId = "C-2002", IncidentId = "SD-1002", Action = "Refund", Amount = 400m,
        });

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = BrowserTests.ChromiumPath, Headless = true, Args = BrowserTests.ChromiumArgs });
        await using IBrowserContext context = await browser.NewContextAsync();
        IPage page = await context.NewPageAsync();
        await BrowserTests.SignInAsync(page, baseUrl, "tara", "Tara · Team lead");

        // The attacker's page: a form that posts itself (approve) and a no-cors fetch (resolve
        // ana's case), as in the report. Playwright serves it; nothing listens on that port.
        await context.RouteAsync($"{attacker}/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $$"""
                <html><body>
                <form id="f" method="post" action="{{baseUrl}}/api/approvals/SD-1002/approve"></form>
                <script>
                  fetch('{{baseUrl}}/api/cases/SD-1001/resolve', { method: 'POST', mode: 'no-cors', credentials: 'include' })
                    .finally(() => document.getElementById('f').submit());
                </script>
                </body></html>
                """,
        }));
        // The no-cors fetch's answer is opaque to the page (Chromium reports it failed): that the
        // request went out is checked here, that it changed nothing below.
        Task<IRequest> resolve = page.WaitForRequestFinishedOrFailedAsync($"{baseUrl}/api/cases/SD-1001/resolve");
        Task<IResponse> approve = page.WaitForResponseAsync($"{baseUrl}/api/approvals/SD-1002/approve");
        await page.GotoAsync($"{attacker}/cute-cats.html");

        (await approve).Status.Should().Be(403);
        (await resolve).Method.Should().Be("POST");
        // The form's navigation to the refusal may still be under way: wait for it rather than read mid-navigation.
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("cross-site-request");
        (await workflow.FindAsync("SD-1002"))!.State.Should().Be(CaseState.AwaitingApproval, "the forged approval was refused");
        (await workflow.FindAsync("SD-1001"))!.State.Should().NotBe(CaseState.Resolved, "the forged resolve was refused");

        // The same cookie from the app's own page still works: the refusal is about the origin.
        await page.GotoAsync(baseUrl);
        int status = await page.EvaluateAsync<int>("async () => (await fetch('/api/approvals/SD-1002/approve', { method: 'POST' })).status");
        status.Should().Be(200);
        (await workflow.FindAsync("SD-1002"))!.State.Should().NotBe(CaseState.AwaitingApproval);
    }

}

internal static class PageExtensions
{
    /// <summary>Completes when a request to <paramref name="url"/> has finished, with an answer or without.</summary>
    public static Task<IRequest> WaitForRequestFinishedOrFailedAsync(this IPage page, string url)
    {
        var done = new TaskCompletionSource<IRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Finished(object? sender, IRequest request)
        {
            if (request.Url == url)
            {
                done.TrySetResult(request);
            }
        }

        page.RequestFinished += Finished;
        page.RequestFailed += Finished;
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
