using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerCraft.EntityFrameworkCore.Migrations.Sqlite
{
    /// <summary>The indexes retention prunes by. (The reserve function is PostgreSQL's: SQLite reserves under its write lock as before.)</summary>
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
