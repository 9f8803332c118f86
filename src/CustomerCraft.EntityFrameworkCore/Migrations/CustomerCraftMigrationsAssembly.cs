using System.Reflection;
using CustomerCraft.EntityFrameworkCore.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CustomerCraft.EntityFrameworkCore.Migrations;

/// <summary>
/// Serves <see cref="CustomerCraftDbContext"/> the migrations written for the provider it runs on.
/// The package ships one set per provider (column types differ), each in its own namespace; EF
/// Core's default would offer both sets to every provider. Hosts that apply the model to their own
/// context use their own migrations and never see this class.
/// </summary>
internal sealed class CustomerCraftMigrationsAssembly : IMigrationsAssembly
{
    private readonly IMigrationsIdGenerator _ids;
    private readonly string _namespace;
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private ModelSnapshot? _snapshot;
    private bool _snapshotRead;

    public CustomerCraftMigrationsAssembly(ICurrentDbContext currentContext, IMigrationsIdGenerator ids)
    {
        ArgumentNullException.ThrowIfNull(currentContext);
        _ids = ids;
        _namespace = NamespaceFor(StoreProviders.Of(currentContext.Context.Database));
    }

    public Assembly Assembly => typeof(CustomerCraftMigrationsAssembly).Assembly;

    public IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations ??= FindMigrations();

    public ModelSnapshot? ModelSnapshot
    {
        get
        {
            if (!_snapshotRead)
            {
                TypeInfo? type = Assembly.DefinedTypes.FirstOrDefault(t => t.IsSubclassOf(typeof(ModelSnapshot)) && !t.IsAbstract && t.Namespace == _namespace);
                _snapshot = type is null ? null : (ModelSnapshot)Activator.CreateInstance(type.AsType())!;
                _snapshotRead = true;
            }

            return _snapshot;
        }
    }

    public string? FindMigrationId(string nameOrId) =>
        Migrations.Keys.FirstOrDefault(id => string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase))
        ?? Migrations.Keys.FirstOrDefault(id => string.Equals(_ids.GetName(id), nameOrId, StringComparison.OrdinalIgnoreCase));

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        ArgumentNullException.ThrowIfNull(migrationClass);
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }

    internal static string NamespaceFor(StoreProvider provider) => provider switch
    {
        StoreProvider.Sqlite => typeof(CustomerCraftMigrationsAssembly).Namespace + ".Sqlite",
        _ => typeof(CustomerCraftMigrationsAssembly).Namespace + ".PostgreSql",
    };

    private SortedList<string, TypeInfo> FindMigrations()
    {
        var found = new SortedList<string, TypeInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (TypeInfo type in Assembly.DefinedTypes)
        {
            if (type.IsSubclassOf(typeof(Migration)) && !type.IsAbstract && type.Namespace == _namespace
                && type.GetCustomAttribute<MigrationAttribute>() is { } migration
                && type.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(CustomerCraftDbContext))
            {
                found.Add(migration.Id, type);
            }
        }

        return found;
    }
}
