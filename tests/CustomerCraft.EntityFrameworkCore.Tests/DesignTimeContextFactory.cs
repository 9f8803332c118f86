using CustomerCraft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CustomerCraft.EntityFrameworkCore.Tests;

/// <summary>
/// What <c>dotnet ef migrations add</c> builds the context with, for the provider named by
/// <c>CUSTOMERCRAFT_MIGRATIONS_PROVIDER</c> (<c>sqlite</c> or <c>postgresql</c>); see
/// <c>.ci/add-migration</c>. No database is opened: scaffolding reads only the model.
/// </summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<CustomerCraftDbContext>
{
    public CustomerCraftDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CustomerCraftDbContext>();
        string provider = Environment.GetEnvironmentVariable("CUSTOMERCRAFT_MIGRATIONS_PROVIDER") ?? "";
        switch (provider.ToLowerInvariant())
        {
            case "sqlite":
                options.UseSqlite("Data Source=:memory:");
                break;
            case "postgresql":
                options.UseNpgsql("Host=localhost;Database=design");
                break;
            default:
                throw new InvalidOperationException($"Set CUSTOMERCRAFT_MIGRATIONS_PROVIDER to 'sqlite' or 'postgresql' (it is '{provider}').");
        }

        options.ReplaceService<IMigrationsAssembly, CustomerCraftMigrationsAssembly>();
        return new CustomerCraftDbContext(options.Options);
    }
}
