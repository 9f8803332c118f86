using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CustomerCraft.Samples.SupportDesk.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task With_console_telemetry_on_OpenTelemetry_listens_to_the_CustomerCraft_meter_and_activities()
    {
        await using var desk = new SupportDeskFactory();
        desk.Settings["SupportDesk:ConsoleTelemetry"] = "true";
        HttpClient ana = await desk.SignInAsync("ana");
        using var probe = new ActivitySource("CustomerCraft");

        using HttpResponseMessage response = await ana.PostAsJsonAsync("/api/cases/SD-1001/proposals", new { action = "Refund", amount = 60m });
        using Activity? sampled = probe.StartActivity("probe");

        response.EnsureSuccessStatusCode();
        desk.Services.GetService<MeterProvider>().Should().NotBeNull();
        desk.Services.GetService<TracerProvider>().Should().NotBeNull();
        sampled.Should().NotBeNull("OpenTelemetry's tracer provider samples the CustomerCraft activity source");
    }

    [Fact]
    public async Task With_console_telemetry_off_nothing_is_registered()
    {
        await using var desk = new SupportDeskFactory();
        _ = desk.CreateClient();

        desk.Services.GetService<MeterProvider>().Should().BeNull();
        desk.Services.GetService<TracerProvider>().Should().BeNull();
    }
}
