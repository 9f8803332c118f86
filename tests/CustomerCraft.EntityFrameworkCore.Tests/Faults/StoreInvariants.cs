using System.Data.Common;
using System.Globalization;
using CustomerCraft.FaultHost;

namespace CustomerCraft.EntityFrameworkCore.Tests.Faults;

/// <summary>
/// What the fault suite checks from the database alone, after the faults: read with plain SQL,
/// not through the stores whose promises are being checked.
/// </summary>
internal sealed class StoreInvariants
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public int Grants { get; private set; }

    public int VoidedGrants { get; private set; }

    public int Charges { get; private set; }

    private readonly Dictionary<string, List<string>> _openGrantsByIncident = new(StringComparer.Ordinal);

    /// <summary>The grants on <paramref name="incidentId"/> that are not voided, read by <see cref="CheckLedgerAsync"/>.</summary>
    public IReadOnlyList<string> OpenGrantsFor(string incidentId) => _openGrantsByIncident.GetValueOrDefault(incidentId) ?? [];

    /// <summary>
    /// A case and the ledger agree: the case records at most one grant, and the grants on the
    /// case's incident that are not voided are exactly the one it records (none if it records none).
    /// </summary>
    public void CheckCase(string caseId, string state, IReadOnlyList<string> recorded)
    {
        IReadOnlyList<string> open = OpenGrantsFor(caseId);
        Require(recorded.Count <= 1, $"{caseId} ({state}) records {recorded.Count} grants");
        Require(open.Order(StringComparer.Ordinal).SequenceEqual(recorded.Order(StringComparer.Ordinal)), $"{caseId} ({state}) records [{string.Join(", ", recorded)}] but the ledger holds [{string.Join(", ", open)}] for it");
    }

    /// <summary>
    /// No budget over its limit, every grant's amount equal to each of its three charges (one per
    /// scope, voided with it), every idempotency key charged once.
    /// </summary>
    public async Task CheckLedgerAsync(DbConnection connection)
    {
        var grants = new Dictionary<string, (string Key, long Units, bool Voided, string? Approver)>(StringComparer.Ordinal);
        await using (DbCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT grant_id, idempotency_key, CAST(amount AS TEXT), voided_at_ticks IS NOT NULL, approver_id, incident_id FROM customercraft_grants";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                long units = (long)(decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture) * 10_000m);
                grants.Add(reader.GetString(0), (reader.GetString(1), units, reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
                if (!reader.GetBoolean(3))
                {
                    string incident = reader.GetString(5);
                    if (!_openGrantsByIncident.TryGetValue(incident, out List<string>? open))
                    {
                        _openGrantsByIncident[incident] = open = [];
                    }

                    open.Add(reader.GetString(0));
                }
            }
        }

        Grants = grants.Count;
        VoidedGrants = grants.Values.Count(g => g.Voided);
        foreach (IGrouping<string, string> duplicate in grants.Values.GroupBy(g => g.Key, g => g.Key).Where(g => g.Count() > 1))
        {
            _problems.Add($"idempotency key {duplicate.Key} has {duplicate.Count()} grants");
        }

        var chargesByGrant = new Dictionary<string, List<(int Scope, string Subject, long Units, bool Voided)>>(StringComparer.Ordinal);
        var usage = new Dictionary<(int Scope, string Subject), (long Units, int Count)>();
        await using (DbCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT grant_id, scope, subject_id, amount_units, voided FROM customercraft_budget_charges";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Charges++;
                (int Scope, string Subject, long Units, bool Voided) charge = (reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), reader.GetBoolean(4));
                string grantId = reader.GetString(0);
                if (!chargesByGrant.TryGetValue(grantId, out var list))
                {
                    chargesByGrant[grantId] = list = [];
                }

                list.Add(charge);
                if (!charge.Voided && grants.TryGetValue(grantId, out var owner) && owner.Approver is null)
                {
                    // Limits bind grants made under the agents' own authority; a team lead's
                    // approvals have budgets (incident, customer) of their own in this load.
                    (long Units, int Count) sum = usage.GetValueOrDefault((charge.Scope, charge.Subject));
                    usage[(charge.Scope, charge.Subject)] = (sum.Units + charge.Units, sum.Count + 1);
                }
            }
        }

        foreach ((string grantId, var grant) in grants)
        {
            List<(int Scope, string Subject, long Units, bool Voided)> charges = chargesByGrant.GetValueOrDefault(grantId) ?? [];
            if (charges.Count != 3 || charges.Select(c => c.Scope).Distinct().Count() != 3)
            {
                _problems.Add($"grant {grantId} ({grant.Key}) has {charges.Count} charges; every grant has one per scope");
            }

            foreach (var charge in charges.Where(c => c.Units != grant.Units || c.Voided != grant.Voided))
            {
                _problems.Add($"grant {grantId} ({grant.Key}) of {grant.Units} units (voided {grant.Voided}) has a charge of {charge.Units} on scope {charge.Scope} (voided {charge.Voided})");
            }
        }

        foreach (string orphan in chargesByGrant.Keys.Where(id => !grants.ContainsKey(id)))
        {
            _problems.Add($"charges of grant {orphan}, which does not exist");
        }

        foreach (((int scope, string subject), (long units, int count)) in usage)
        {
            bool over = scope switch
            {
                0 => units > FaultLoad.IncidentLimit * 10_000m,
                1 => units > FaultLoad.CustomerAmountLimit * 10_000m,
                _ => count > FaultLoad.AgentDailyCount,
            };
            if (over)
            {
                _problems.Add($"budget scope {scope} '{subject}' holds {units / 10_000m} in {count} charges, over its limit");
            }
        }
    }

    public void Require(bool condition, string problem)
    {
        if (!condition)
        {
            _problems.Add(problem);
        }
    }
}
