using CustomerCraft;
using CustomerCraft.Samples.QuickStart;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The quick start: a host with CustomerCraft configured from appsettings.json, then a handful
// of support scenarios printed with their decisions, reasons and headroom, and an escalation
// story with SLA clocks and its timeline. The stores are in memory, unless `--store sqlite
// [--database <file>]` or `--store postgres --connection "<connection string>"` puts the budgets,
// grants, decision log and cases in a database (CustomerCraft.EntityFrameworkCore).
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration.AddCommandLine(args, QuickStartStore.SwitchMappings); // --store, --database, --connection
if (!QuickStartStore.TryFrom(builder.Configuration, out QuickStartStore? store, out string? problem))
{
    Console.Error.WriteLine(problem);
    return 2;
}

// A hand-moved clock, so the escalation story can skip a weekend; real hosts leave TimeProvider.System.
builder.Services.AddSingleton<TimeProvider>(new SimulatedClock(QuickStartScenarios.Start));
ICustomerCraftBuilder customerCraft = builder.Services.AddCustomerCraft(builder.Configuration.GetSection("CustomerCraft"));
if (store.IsDurable)
{
    customerCraft.AddEntityFrameworkStores(store.UseDatabase); // o => o.UseSqlite("Data Source=...") or o => o.UseNpgsql(connectionString)
}

using IHost host = builder.Build();
await host.StartAsync(); // validates the policy (ValidateOnStart): a bad appsettings.json stops here
await store.PrepareAsync(host.Services, Console.Out); // a clean slate, then MigrateCustomerCraftDatabaseAsync() as any host calls at start-up
await QuickStartScenarios.RunAsync(host.Services, Console.Out);
store.WriteWhereTheDataIs(Console.Out);
await host.StopAsync();
return 0;
