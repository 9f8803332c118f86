using CustomerCraft.Samples.QuickStart;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The quick start: a host with CustomerCraft configured from appsettings.json, then a handful
// of support scenarios printed with their decisions, reasons and headroom, and an escalation
// story with SLA clocks and its timeline.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// A hand-moved clock, so the escalation story can skip a weekend; real hosts leave TimeProvider.System.
builder.Services.AddSingleton<TimeProvider>(new SimulatedClock(QuickStartScenarios.Start));
builder.Services.AddCustomerCraft(builder.Configuration.GetSection("CustomerCraft"));

using IHost host = builder.Build();
await host.StartAsync(); // validates the policy (ValidateOnStart): a bad appsettings.json stops here
await QuickStartScenarios.RunAsync(host.Services, Console.Out);
await host.StopAsync();
