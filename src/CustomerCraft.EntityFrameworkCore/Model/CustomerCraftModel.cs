using CustomerCraft.EntityFrameworkCore.Model;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Applies the CustomerCraft tables to a host's own <see cref="DbContext"/>.</summary>
public static class CustomerCraftModelBuilderExtensions
{
    /// <summary>
    /// Adds the tables the CustomerCraft stores use (all named <c>customercraft_*</c>) to
    /// <paramref name="modelBuilder"/>. Call it from the host context's <c>OnModelCreating</c>, then
    /// register the stores with <c>AddEntityFrameworkStores&lt;TContext&gt;()</c>; the host's own
    /// migrations then create and evolve the tables.
    /// </summary>
    /// <param name="modelBuilder">The host context's model builder.</param>
    /// <returns>The model builder, for chaining.</returns>
    public static ModelBuilder ApplyCustomerCraftModel(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<GrantRow>(grant =>
        {
            grant.ToTable("customercraft_grants");
            grant.HasKey(g => g.GrantId);
            grant.Property(g => g.GrantId).HasColumnName("grant_id").HasMaxLength(128);
            grant.Property(g => g.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(256);
            grant.HasIndex(g => g.IdempotencyKey).IsUnique();
            grant.Property(g => g.AgentId).HasColumnName("agent_id").HasMaxLength(128);
            grant.Property(g => g.Role).HasColumnName("role").HasMaxLength(128);
            grant.Property(g => g.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
            grant.Property(g => g.IncidentId).HasColumnName("incident_id").HasMaxLength(128);
            grant.Property(g => g.Action).HasColumnName("action").HasMaxLength(128);
            grant.Property(g => g.Amount).HasColumnName("amount").HasPrecision(19, 4);
            grant.Property(g => g.Currency).HasColumnName("currency").HasMaxLength(3);
            grant.Property(g => g.RequestedAmount).HasColumnName("requested_amount").HasPrecision(19, 4);
            grant.Property(g => g.RequestedCurrency).HasColumnName("requested_currency").HasMaxLength(3);
            grant.Property(g => g.ApproverId).HasColumnName("approver_id").HasMaxLength(128);
            grant.Property(g => g.ApproverRole).HasColumnName("approver_role").HasMaxLength(128);
            grant.Property(g => g.ContextFingerprint).HasColumnName("context_fingerprint").HasMaxLength(128);
            grant.Property(g => g.GrantedAt).HasColumnName("granted_at");
            grant.Property(g => g.GrantedAtTicks).HasColumnName("granted_at_ticks");
            grant.Property(g => g.VoidedAt).HasColumnName("voided_at");
            grant.Property(g => g.VoidedAtTicks).HasColumnName("voided_at_ticks");
            grant.Property(g => g.VoidReason).HasColumnName("void_reason").HasMaxLength(1024);
            grant.HasIndex(g => new { g.CustomerId, g.GrantedAt });
            // Retention finds the grants old enough to go by this index.
            grant.HasIndex(g => g.GrantedAtTicks);
        });

        modelBuilder.Entity<BudgetChargeRow>(charge =>
        {
            charge.ToTable("customercraft_budget_charges");
            charge.HasKey(c => new { c.GrantId, c.Ordinal });
            charge.Property(c => c.GrantId).HasColumnName("grant_id").HasMaxLength(128);
            charge.Property(c => c.Ordinal).HasColumnName("ordinal").ValueGeneratedNever();
            charge.Property(c => c.Scope).HasColumnName("scope");
            charge.Property(c => c.SubjectId).HasColumnName("subject_id").HasMaxLength(128);
            charge.Property(c => c.Action).HasColumnName("action").HasMaxLength(128);
            charge.Property(c => c.AtTicks).HasColumnName("at_ticks");
            charge.Property(c => c.AmountUnits).HasColumnName("amount_units");
            charge.Property(c => c.Voided).HasColumnName("voided");
            // A window's usage is a range scan of this index.
            charge.HasIndex(c => new { c.Scope, c.SubjectId, c.Action, c.AtTicks });
            // Retention removes charges out of every window by age, and voided ones whatever their
            // age (they count nowhere): a range scan of each, never of the whole table.
            charge.HasIndex(c => new { c.AtTicks, c.Scope });
            charge.HasIndex(c => c.GrantId).HasFilter("voided").HasDatabaseName("IX_customercraft_budget_charges_voided");
            // No foreign key to the grant: a grant and its charges are only ever written together,
            // in one statement (PostgreSQL) or one transaction, and retention removes charges before
            // the grants left without any. On PostgreSQL the constraint's check queried and
            // key-share locked the grant row for every charge row: the reserve function alone made
            // 17-27% more calls a second under pgbench without it (docs/benchmarks.md).
        });

        modelBuilder.Entity<BudgetLockRow>(budget =>
        {
            budget.ToTable("customercraft_budgets");
            budget.HasKey(b => new { b.Scope, b.SubjectId, b.Action });
            budget.Property(b => b.Scope).HasColumnName("scope").ValueGeneratedNever();
            budget.Property(b => b.SubjectId).HasColumnName("subject_id").HasMaxLength(128);
            budget.Property(b => b.Action).HasColumnName("action").HasMaxLength(128);
        });

        modelBuilder.Entity<DecisionRow>(decision =>
        {
            decision.ToTable("customercraft_decisions");
            decision.HasKey(d => d.Id);
            decision.Property(d => d.Id).HasColumnName("id").ValueGeneratedNever();
            decision.Property(d => d.TimestampTicks).HasColumnName("timestamp_ticks");
            decision.Property(d => d.Sequence).HasColumnName("sequence");
            decision.Property(d => d.Timestamp).HasColumnName("timestamp");
            decision.Property(d => d.Kind).HasColumnName("kind");
            decision.Property(d => d.Outcome).HasColumnName("outcome");
            decision.Property(d => d.AgentId).HasColumnName("agent_id").HasMaxLength(128);
            decision.Property(d => d.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
            decision.Property(d => d.RequiredApproverRole).HasColumnName("required_approver_role").HasMaxLength(128);
            decision.Property(d => d.Amount).HasColumnName("amount").HasPrecision(19, 4);
            decision.Property(d => d.GrantId).HasColumnName("grant_id").HasMaxLength(128);
            decision.Property(d => d.PolicyVersion).HasColumnName("policy_version");
            decision.Property(d => d.Request).HasColumnName("request");
            decision.HasIndex(d => new { d.TimestampTicks, d.Sequence });
            decision.HasIndex(d => new { d.AgentId, d.TimestampTicks });
            decision.HasIndex(d => new { d.CustomerId, d.TimestampTicks });
        });

        modelBuilder.Entity<CaseRow>(supportCase =>
        {
            supportCase.ToTable("customercraft_cases");
            supportCase.HasKey(c => c.Id);
            supportCase.Property(c => c.Id).HasColumnName("id").HasMaxLength(128);
            supportCase.Property(c => c.CustomerId).HasColumnName("customer_id").HasMaxLength(128);
            supportCase.Property(c => c.State).HasColumnName("state");
            supportCase.Property(c => c.Level).HasColumnName("level");
            supportCase.Property(c => c.OwnerId).HasColumnName("owner_id").HasMaxLength(128);
            supportCase.Property(c => c.Version).HasColumnName("version").IsConcurrencyToken();
            supportCase.Property(c => c.OpenedAtTicks).HasColumnName("opened_at_ticks");
            supportCase.Property(c => c.NextDueTicks).HasColumnName("next_due_ticks");
            supportCase.Property(c => c.ClaimedUntilTicks).HasColumnName("claimed_until_ticks");
            supportCase.Property(c => c.ClaimToken).HasColumnName("claim_token");
            supportCase.Property(c => c.SaveToken).HasColumnName("save_token");
            supportCase.Property(c => c.HistoryCount).HasColumnName("history_count");
            supportCase.Property(c => c.Document).HasColumnName("document");
            // Deadline workers scan this index for due cases; queues filter by state and level.
            supportCase.HasIndex(c => c.NextDueTicks);
            supportCase.HasIndex(c => new { c.State, c.Level, c.NextDueTicks });
            supportCase.HasIndex(c => c.OwnerId);
            supportCase.HasIndex(c => c.CustomerId);
        });

        modelBuilder.Entity<CaseEventRow>(caseEvent =>
        {
            caseEvent.ToTable("customercraft_case_events");
            caseEvent.HasKey(e => new { e.CaseId, e.Sequence });
            caseEvent.Property(e => e.CaseId).HasColumnName("case_id").HasMaxLength(128);
            caseEvent.Property(e => e.Sequence).HasColumnName("sequence").ValueGeneratedNever();
            caseEvent.Property(e => e.Document).HasColumnName("document");
            caseEvent.HasOne<CaseRow>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        });

        return modelBuilder;
    }
}
