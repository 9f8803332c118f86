using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CustomerCraft.Samples.SupportDesk.Tests;

/// <summary>
/// The whole product in a real browser: Debian's Chromium, driven by Playwright, against the
/// SupportDesk app on Kestrel. Screenshots of each step go to <c>artifacts/e2e/</c>.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    /// <summary>Debian's Chromium (<c>apt-get install -y chromium</c>); override with CUSTOMERCRAFT_CHROMIUM.</summary>
    internal static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CUSTOMERCRAFT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    internal static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", // CI runs as root in a container, where Chromium's sandbox cannot start
        // Nothing phones home: the machine reaches no network beyond its package registries.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-breakpad",
        "--no-first-run",
        "--no-default-browser-check",
        "--metrics-recording-only",
        "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions",
    ];

    [SkippableFact]
    public async Task An_agent_asks_a_team_lead_approves_from_the_queue_and_the_agent_resolves()
    {
        Skip.IfNot(File.Exists(ChromiumPath), $"Chromium is not installed at {ChromiumPath}: `apt-get install -y chromium` (.ci/run does), or set CUSTOMERCRAFT_CHROMIUM.");
        string screenshots = ArtifactsDirectory();

        await using var desk = new SupportDeskFactory();
        desk.UseKestrel(0); // a real port on loopback: the browser cannot reach the in-memory test server
        desk.StartServer();
        string baseUrl = desk.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });

        // Two people, two browser contexts: each has its own cookie.
        await using IBrowserContext agentContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await using IBrowserContext leadContext = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        IPage agent = await agentContext.NewPageAsync();
        IPage lead = await leadContext.NewPageAsync();
        int step = 0;
        async Task Shot(IPage page, string name)
        {
            string file = Path.Combine(screenshots, $"{++step:D2}-{name}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            output.WriteLine($"screenshot: {file}");
        }

        try
        {
            // Ana, an agent, proposes a $400 refund: over her $100 limit.
            await SignInAsync(agent, baseUrl, "ana", "Ana (agent)");
            await agent.GetByTestId("tab-agent").ClickAsync();
            await agent.GetByTestId("case-item-SD-1002").ClickAsync();
            await Assertions.Expect(agent.GetByTestId("case-id")).ToContainTextAsync("SD-1002");
            await agent.GetByTestId("action-select").SelectOptionAsync("Refund");
            await agent.GetByTestId("amount-input").FillAsync("400");
            await agent.GetByTestId("check-button").ClickAsync();
            await Assertions.Expect(agent.GetByTestId("decision-outcome")).ToContainTextAsync("Requires approval by TeamLead");
            await Assertions.Expect(agent.GetByTestId("decision-reasons")).ToContainTextAsync("Per-incident amount limit for Agent");
            await Shot(agent, "agent-requires-approval");

            await agent.GetByTestId("request-approval-button").ClickAsync();
            await Assertions.Expect(agent.GetByTestId("case-state")).ToHaveTextAsync("AwaitingApproval");
            await Shot(agent, "agent-awaiting-approval");

            // Tara, the team lead, signs in and finds it in her queue with its deadline counting down.
            await SignInAsync(lead, baseUrl, "tara", "Tara (team lead)");
            await lead.GetByTestId("tab-approver").ClickAsync();
            ILocator row = lead.GetByTestId("queue-item-SD-1002");
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(row.GetByTestId("countdown")).ToHaveTextAsync(new Regex(@"^\d{1,2}:\d{2}"));
            await Shot(lead, "team-lead-queue");

            await row.GetByTestId("approve-button").ClickAsync();
            await Assertions.Expect(row).ToHaveCountAsync(0);
            await Assertions.Expect(lead.GetByTestId("queue-empty")).ToBeVisibleAsync();
            await Shot(lead, "team-lead-approved");

            // Ana's console sees the approval arrive (it polls the case) and she resolves the case.
            await Assertions.Expect(agent.GetByTestId("approval-outcome")).ToContainTextAsync("Approved by tara", new() { Timeout = 15_000 });
            await Assertions.Expect(agent.GetByTestId("case-state")).ToHaveTextAsync("InProgress");
            await Shot(agent, "agent-sees-approval");

            await agent.GetByTestId("resolve-button").ClickAsync();
            await Assertions.Expect(agent.GetByTestId("case-state")).ToHaveTextAsync("Resolved");
            await Assertions.Expect(agent.GetByTestId("timeline")).ToContainTextAsync("Resolve");
            await Shot(agent, "agent-resolved");
        }
        catch
        {
            await Shot(agent, "failure-agent");
            await Shot(lead, "failure-team-lead");
            throw;
        }
    }

    internal static async Task SignInAsync(IPage page, string baseUrl, string userId, string name)
    {
        await page.GotoAsync(baseUrl);
        await page.GetByTestId("user-select").SelectOptionAsync(userId);
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync($"Signed in as {name}");
    }

    /// <summary><c>artifacts/e2e</c> at the repository root (CUSTOMERCRAFT_ARTIFACTS overrides).</summary>
    private static string ArtifactsDirectory()
    {
        string? root = Environment.GetEnvironmentVariable("CUSTOMERCRAFT_ARTIFACTS");
        if (string.IsNullOrEmpty(root))
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CustomerCraft.sln")))
            {
                directory = directory.Parent;
            }

            root = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts");
        }

        string path = Path.Combine(root, "e2e");
        Directory.CreateDirectory(path);
        return path;
    }
}
