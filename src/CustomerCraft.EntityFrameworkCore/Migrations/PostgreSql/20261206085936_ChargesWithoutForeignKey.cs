using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerCraft.EntityFrameworkCore.Migrations.PostgreSql
{
    /// <inheritdoc />
    internal partial class ChargesWithoutForeignKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_customercraft_budget_charges_customercraft_grants_grant_id",
                table: "customercraft_budget_charges");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "FK_customercraft_budget_charges_customercraft_grants_grant_id",
                table: "customercraft_budget_charges",
                column: "grant_id",
                principalTable: "customercraft_grants",
                principalColumn: "grant_id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
