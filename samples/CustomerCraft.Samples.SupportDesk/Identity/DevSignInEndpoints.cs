using System.Security.Claims;
using CustomerCraft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Samples.SupportDesk.Identity;

/// <summary>
/// Development sign-in: pick one of the seeded users and get a cookie with their id, name and
/// role claims. Mapped only in the Development environment; a real host signs users in with its
/// identity provider and CustomerCraft reads the same claims.
/// </summary>
internal static class DevSignInEndpoints
{
    public static void MapDevSignIn(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder dev = app.MapGroup("/api/dev");

        dev.MapGet("/users", (IOptions<SupportDeskOptions> options) =>
            options.Value.Users.Select(u => new { u.Id, u.Name, u.Role }));

        dev.MapPost("/sign-in", async (SignInBody body, IOptions<SupportDeskOptions> options, HttpContext http) =>
        {
            DeskUser? user = options.Value.Users.FirstOrDefault(u => string.Equals(u.Id, body.UserId, StringComparison.OrdinalIgnoreCase));
            if (user is null)
            {
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { ["userId"] = [$"'{body.UserId}' is not a seeded user; pick one of {string.Join(", ", options.Value.Users.Select(u => u.Id))}."] },
                    extensions: new Dictionary<string, object?> { ["code"] = ProblemCodes.Validation });
            }

            var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.NameIdentifier, user.Id),
                    new Claim(ClaimTypes.Name, user.Name),
                    new Claim(ClaimTypes.Role, user.Role),
                ],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.Ok(new { user.Id, user.Name, user.Role });
        });

        dev.MapPost("/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        });
    }

    private sealed record SignInBody(string UserId);
}
