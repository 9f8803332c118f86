using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CustomerCraft.AspNetCore.Tests;

/// <summary>
/// Issue 15: endpoints that take a cookie-authenticated POST with no body were open to cross-site
/// request forgery (a <c>SameSite=Strict</c> cookie goes along from another port or subdomain).
/// AddAspNetCore() now refuses cookie-carrying unsafe requests from other origins by default.
/// </summary>
public class CrossSiteTests
{
    private static Task<TestApp> StartAsync(Action<CustomerCraftAspNetCoreOptions>? configure = null) =>
        TestApp.StartAsync(app =>
        {
            app.MapPost("/approve", () => "approved");
            app.MapGet("/read", () => "read");
        }, configure);

    private static HttpRequestMessage Post(string? origin = null, string? site = null, bool cookie = true, string? header = null, string url = "/approve")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (cookie)
        {
            request.Headers.Add("Cookie", "session=abc");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        if (header is not null)
        {
            request.Headers.Add(header, "1");
        }

        return request;
    }

    [Theory]
    [InlineData("http://localhost:8000", "same-site")]   // the report: another port of the same host
    [InlineData("https://evil.example", "cross-site")]
    [InlineData("http://localhost:8000", null)]          // a browser that sends Origin but no fetch metadata
    [InlineData(null, null)]                             // neither header and no X-CustomerCraft-Request
    public async Task A_cookie_carrying_post_from_another_origin_is_refused_with_403(string? origin, string? site)
    {
        await using TestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Post(origin, site));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("code").GetString().Should().Be(ProblemCodes.CrossSiteRequest);
        app.Logs.GetSnapshot().Should().Contain(r => r.Message.StartsWith("Refused a cross-site POST /approve", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "same-origin", true, null)]
    [InlineData(null, "none", true, null)]                                       // typed in the address bar
    [InlineData("http://localhost", null, true, null)]                           // the test server's own origin
    [InlineData(null, null, true, CustomerCraftAspNetCoreOptions.DefaultRequestHeaderName)]
    [InlineData("https://evil.example", "cross-site", false, null)]              // no cookie: nothing to forge
    public async Task A_post_from_the_apps_own_origin_or_without_cookies_goes_through(string? origin, string? site, bool cookie, string? header)
    {
        await using TestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Post(origin, site, cookie, header));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("approved");
    }

    [Fact]
    public async Task A_get_from_another_origin_is_not_a_write_and_goes_through()
    {
        await using TestApp app = await StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/read");
        request.Headers.Add("Cookie", "session=abc");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using HttpResponseMessage response = await app.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_trusted_origin_goes_through_and_the_guard_can_be_turned_off()
    {
        await using TestApp trusting = await StartAsync(o => o.TrustedOrigins.Add("https://desk.example.com/"));
        await using TestApp off = await StartAsync(o => o.RefuseCrossSiteRequests = false);

        using HttpResponseMessage trusted = await trusting.Client.SendAsync(Post("https://desk.example.com", "same-site"));
        using HttpResponseMessage untrusted = await trusting.Client.SendAsync(Post("https://other.example.com", "same-site"));
        using HttpResponseMessage unguarded = await off.Client.SendAsync(Post("https://evil.example", "cross-site"));

        trusted.StatusCode.Should().Be(HttpStatusCode.OK);
        untrusted.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        unguarded.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
