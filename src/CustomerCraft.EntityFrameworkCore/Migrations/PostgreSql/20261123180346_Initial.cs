using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerCraft.EntityFrameworkCore.Migrations.PostgreSql
{
    /// <inheritdoc />
    internal partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customercraft_budgets",
                columns: table => new
                {
                    scope = table.Column<int>(type: "integer", nullable: false),
                    subject_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    action = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customercraft_budgets", x => new { x.scope, x.subject_id, x.action });
                });

            migrationBuilder.CreateTable(
                name: "customercraft_cases",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    state = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<int>(type: "integer", nullable: false),
                    owner_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    opened_at_ticks = table.Column<long>(type: "bigint", nullable: false),
                    next_due_ticks = table.Column<long>(type: "bigint", nullable: true),
                    claimed_until_ticks = table.Column<long>(type: "bigint", nullable: true),
                    claim_token = table.Column<Guid>(type: "uuid", nullable: true),
                    save_token = table.Column<Guid>(type: "uuid", nullable: false),
                    history_count = table.Column<int>(type: "integer", nullable: false),
                    document = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customercraft_cases", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "customercraft_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    timestamp_ticks = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<int>(type: "integer", nullable: false),
                    agent_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    required_approver_role = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    amount = table.Column<decimal>(type: "numeric(19,4)", precision: 19, scale: 4, nullable: false),
                    grant_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    policy_version = table.Column<long>(type: "bigint", nullable: false),
                    request = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customercraft_decisions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "customercraft_grants",
                columns: table => new
                {
                    grant_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    agent_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    role = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    incident_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    action = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(19,4)", precision: 19, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    requested_amount = table.Column<decimal>(type: "numeric(19,4)", precision: 19, scale: 4, nullable: false),
                    requested_currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    approver_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    approver_role = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    context_fingerprint = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    granted_at_ticks = table.Column<long>(type: "bigint", nullable: false),
                    voided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    voided_at_ticks = table.Column<long>(type: "bigint", nullable: true),
                    void_reason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customercraft_grants", x => x.grant_id);
                });

            migrationBuilder.CreateTable(
                name: "customercraft_case_events",
                columns: table => new
                {
                    case_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    document = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customercraft_case_events", x => new { x.case_id, x.sequence });
                    table.ForeignKey(
                        name: "FK_customercraft_case_events_customercraft_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "customercraft_cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "customercraft_budget_charges",
                columns: table => new
                {
                    grant_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    scope = table.Column<int>(type: "integer", nullable: false),
                    subject_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    action = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    at_ticks = table.Column<long>(type: "bigint", nullable: false),
                    amount_units = table.Column<long>(type: "bigint", nullable: false),
                    voided = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customercraft_budget_charges", x => new { x.grant_id, x.ordinal });
                    table.ForeignKey(
                        name: "FK_customercraft_budget_charges_customercraft_grants_grant_id",
                        column: x => x.grant_id,
                        principalTable: "customercraft_grants",
                        principalColumn: "grant_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_budget_charges_scope_subject_id_action_at_tic~",
                table: "customercraft_budget_charges",
                columns: new[] { "scope", "subject_id", "action", "at_ticks" });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_cases_customer_id",
                table: "customercraft_cases",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_cases_next_due_ticks",
                table: "customercraft_cases",
                column: "next_due_ticks");

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_cases_owner_id",
                table: "customercraft_cases",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_cases_state_level_next_due_ticks",
                table: "customercraft_cases",
                columns: new[] { "state", "level", "next_due_ticks" });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_decisions_agent_id_timestamp_ticks",
                table: "customercraft_decisions",
                columns: new[] { "agent_id", "timestamp_ticks" });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_decisions_customer_id_timestamp_ticks",
                table: "customercraft_decisions",
                columns: new[] { "customer_id", "timestamp_ticks" });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_decisions_timestamp_ticks_sequence",
                table: "customercraft_decisions",
                columns: new[] { "timestamp_ticks", "sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_grants_customer_id_granted_at",
                table: "customercraft_grants",
                columns: new[] { "customer_id", "granted_at" });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_grants_idempotency_key",
                table: "customercraft_grants",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customercraft_budget_charges");

            migrationBuilder.DropTable(
                name: "customercraft_budgets");

            migrationBuilder.DropTable(
                name: "customercraft_case_events");

            migrationBuilder.DropTable(
                name: "customercraft_decisions");

            migrationBuilder.DropTable(
                name: "customercraft_grants");

            migrationBuilder.DropTable(
                name: "customercraft_cases");
        }
    }
}
