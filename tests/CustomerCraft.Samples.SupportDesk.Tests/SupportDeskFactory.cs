using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.Samples.SupportDesk.Tests;

/// <summary>
/// The SupportDesk app as it runs, on its own SQLite file, with the development sign-in, seeded
/// cases, a fake clock (moved by the test) and no console telemetry.
/// </summary>
public sealed class SupportDeskFactory : WebApplicationFactory<Program>
{
    /// <summary>Monday 2026-11-23 15:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("supportdesk-").FullName;

    public FakeTimeProvider Time { get; } = new(Start);

    public string DatabasePath => Path.Combine(_directory, "supportdesk.db");

    /// <summary>The hosting environment; Development (the default here) maps the development sign-in.</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>Extra settings (configuration keys) for this instance.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("SupportDesk:Database", DatabasePath);
        builder.UseSetting("SupportDesk:ConsoleTelemetry", "false");
        builder.UseSetting("SupportDesk:MonitorInterval", "00:00:05");
        // Program.cs reads its SupportDesk section before Build(), which sees host settings only;
        // the policy is bound later, from the app configuration.
        foreach ((string key, string? value) in Settings.Where(s => s.Key.StartsWith("SupportDesk:", StringComparison.Ordinal)))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration((_, configuration) =>
            configuration.AddInMemoryCollection(Settings.Where(s => !s.Key.StartsWith("SupportDesk:", StringComparison.Ordinal))));

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));

        // The app's console log would fill `dotnet test` output at the verbosity .ci/run uses (there
        // to show skip reasons); the tests speak through their assertions and screenshots.
        builder.ConfigureLogging(logging => logging.ClearProviders());
    }

    /// <summary>A client signed in as the seeded user (a cookie from the development sign-in).</summary>
    public async Task<HttpClient> SignInAsync(string userId)
    {
        HttpClient client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        // What the page's request helper sends: a client without Origin vouches for its writes this way.
        client.DefaultRequestHeaders.Add("X-CustomerCraft-Request", "1");
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/dev/sign-in", new { userId });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }
}

internal static class HttpExtensions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, body);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using HttpResponseMessage response = await client.GetAsync(url);
        return await response.JsonAsync(expected);
    }

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string url, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(url, body, SupportDeskFactory.Json);
        return await response.JsonAsync(expected);
    }

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
