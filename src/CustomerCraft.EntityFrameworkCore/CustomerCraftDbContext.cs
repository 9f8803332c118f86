using Microsoft.EntityFrameworkCore;

namespace CustomerCraft.EntityFrameworkCore;

/// <summary>
/// The context <c>AddEntityFrameworkStores(o =&gt; ...)</c> registers: the CustomerCraft tables and
/// nothing else, with migrations for SQLite and PostgreSQL shipped in this package. Hosts that keep
/// everything in one database can instead apply the model to their own context with
/// <see cref="CustomerCraftModelBuilderExtensions.ApplyCustomerCraftModel"/>.
/// </summary>
public class CustomerCraftDbContext : DbContext
{
    /// <summary>Creates the context with options from the pooled factory the stores use.</summary>
    public CustomerCraftDbContext(DbContextOptions<CustomerCraftDbContext> options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyCustomerCraftModel();
    }
}
