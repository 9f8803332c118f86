using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using MvcProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace CustomerCraft.AspNetCore.CrossSite;

/// <summary>
/// Refuses cross-origin unsafe requests that carry cookies, before any endpoint runs; see
/// <see cref="CustomerCraftAspNetCoreOptions.RefuseCrossSiteRequests"/> for the rule. A check of
/// the browser's own fetch metadata and origin rather than antiforgery tokens: it needs nothing
/// from the host's pages or forms, and a page on another origin can forge neither header.
/// </summary>
internal sealed partial class CrossSiteRequestGuard(RequestDelegate next, IOptions<CustomerCraftAspNetCoreOptions> options, IProblemDetailsService problemDetails, ILogger<CrossSiteRequestGuard> logger)
{
    private readonly CustomerCraftAspNetCoreOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!_options.RefuseCrossSiteRequests || IsSafe(context.Request.Method) || !context.Request.Headers.ContainsKey("Cookie"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string? refusal = Refusal(context.Request);
        if (refusal is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        LogRefused(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, refusal);
        var problem = new MvcProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Cross-site request refused.",
            Detail = $"{refusal} A {context.Request.Method} that carries cookies must come from this application's own pages.",
        };
        problem.Extensions["code"] = ProblemCodes.CrossSiteRequest;
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        if (!await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await context.Response.WriteAsJsonAsync(problem, problem.GetType(), options: (System.Text.Json.JsonSerializerOptions?)null, contentType: "application/problem+json", context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Why the request is refused, or <see langword="null"/> to let it through.</summary>
    internal string? Refusal(HttpRequest request)
    {
        StringValues origin = request.Headers.Origin;
        string? site = request.Headers["Sec-Fetch-Site"];
        if (site is not null)
        {
            if (string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase) || string.Equals(site, "none", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            // same-site (another port or subdomain) and cross-site: only a trusted origin passes.
            return IsTrusted(origin.ToString())
                ? null
                : $"The browser marked it Sec-Fetch-Site: {site}, from origin '{origin}', which is not this application's origin or one of its TrustedOrigins.";
        }

        if (!StringValues.IsNullOrEmpty(origin))
        {
            string sent = origin.ToString();
            return string.Equals(sent, OwnOrigin(request), StringComparison.OrdinalIgnoreCase) || IsTrusted(sent)
                ? null
                : $"It came from origin '{sent}', not this application's origin '{OwnOrigin(request)}' or one of its TrustedOrigins.";
        }

        return request.Headers.ContainsKey(_options.RequestHeaderName)
            ? null
            : $"It has neither Origin nor Sec-Fetch-Site, and no {_options.RequestHeaderName} header.";
    }

    private bool IsTrusted(string origin)
    {
        foreach (string trusted in _options.TrustedOrigins)
        {
            if (string.Equals(trusted.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Refused a cross-site {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
