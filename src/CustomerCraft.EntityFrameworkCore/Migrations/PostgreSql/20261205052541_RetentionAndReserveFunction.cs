using CustomerCraft.EntityFrameworkCore.Stores;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerCraft.EntityFrameworkCore.Migrations.PostgreSql
{
    /// <inheritdoc />
    internal partial class RetentionAndReserveFunction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_customercraft_grants_granted_at_ticks",
                table: "customercraft_grants",
                column: "granted_at_ticks");

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_budget_charges_at_ticks_scope",
                table: "customercraft_budget_charges",
                columns: new[] { "at_ticks", "scope" });

            migrationBuilder.CreateIndex(
                name: "IX_customercraft_budget_charges_voided",
                table: "customercraft_budget_charges",
                column: "grant_id",
                filter: "voided");

            // One round trip per grant (see Stores/ReserveFunction.cs).
            migrationBuilder.Sql(ReserveFunction.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ReserveFunction.Drop);

            migrationBuilder.DropIndex(
                name: "IX_customercraft_grants_granted_at_ticks",
                table: "customercraft_grants");

            migrationBuilder.DropIndex(
                name: "IX_customercraft_budget_charges_at_ticks_scope",
                table: "customercraft_budget_charges");

            migrationBuilder.DropIndex(
                name: "IX_customercraft_budget_charges_voided",
                table: "customercraft_budget_charges");
        }
    }
}
