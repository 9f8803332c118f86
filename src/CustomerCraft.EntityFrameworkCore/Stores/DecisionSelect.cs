using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The statement <see cref="EntityFrameworkDecisionLog{TContext}.ReadAsync"/> runs on a plain data
/// reader: the columns a <see cref="DecisionRecord"/> is made of, in timestamp order (then the
/// appending instance's sequence), with a filter for each part of the query that is set. Names come
/// from the context's model and are quoted by its provider.
/// </summary>
internal static class DecisionSelect
{
    public const string FromParameter = "@cc_from";
    public const string ToParameter = "@cc_to";
    public const string AgentParameter = "@cc_agent";
    public const string CustomerParameter = "@cc_customer";

    /// <summary>The statement for <paramref name="query"/>: its parameters are those of the filters set.</summary>
    public static string For(DbContext context, DecisionLogQuery query)
    {
        IEntityType entity = context.Model.FindEntityType(typeof(DecisionRow))
            ?? throw new InvalidOperationException($"The context {context.GetType().Name} does not map the CustomerCraft decision log; configure it with the CustomerCraft model.");
        string table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        ISqlGenerationHelper sql = context.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(store)!);

        var where = new List<string>(4);
        if (query.From is not null)
        {
            where.Add($"{Column(nameof(DecisionRow.TimestampTicks))} >= {FromParameter}");
        }

        if (query.To is not null)
        {
            where.Add($"{Column(nameof(DecisionRow.TimestampTicks))} < {ToParameter}");
        }

        if (query.AgentId is not null)
        {
            where.Add($"{Column(nameof(DecisionRow.AgentId))} = {AgentParameter}");
        }

        if (query.CustomerId is not null)
        {
            where.Add($"{Column(nameof(DecisionRow.CustomerId))} = {CustomerParameter}");
        }

        return $"SELECT {Column(nameof(DecisionRow.TimestampTicks))}, {Column(nameof(DecisionRow.Kind))}, {Column(nameof(DecisionRow.Outcome))}, "
            + $"{Column(nameof(DecisionRow.RequiredApproverRole))}, {Column(nameof(DecisionRow.Amount))}, {Column(nameof(DecisionRow.GrantId))}, "
            + $"{Column(nameof(DecisionRow.PolicyVersion))}, {Column(nameof(DecisionRow.Request))} "
            + $"FROM {sql.DelimitIdentifier(table, entity.GetSchema())}"
            + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))
            + $" ORDER BY {Column(nameof(DecisionRow.TimestampTicks))}, {Column(nameof(DecisionRow.Sequence))}";
    }
}
