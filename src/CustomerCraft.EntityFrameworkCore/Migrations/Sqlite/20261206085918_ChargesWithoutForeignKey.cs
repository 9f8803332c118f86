using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerCraft.EntityFrameworkCore.Migrations.Sqlite
{
    /// <summary>
    /// Drops the charges' foreign key to their grant. SQLite cannot drop a constraint, so the table
    /// is rebuilt; written by hand rather than by EF Core's <c>DropForeignKey</c>, whose rebuild
    /// commits in three transactions with <c>PRAGMA foreign_keys</c> switched off between them: a
    /// grant written by another host between the copy and the drop would lose its charges, and a
    /// crash after the copy would leave a table behind that makes every later attempt fail. Here
    /// the copy, the drop, the rename and the indexes are the migration's one transaction (no other
    /// table references the charges, so foreign keys need not be switched off): other writers wait
    /// for it, and a failure leaves the database as it was.
    /// </summary>
    internal partial class ChargesWithoutForeignKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, foreignKey: "");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            Rebuild(migrationBuilder, foreignKey: """
                ,
                    CONSTRAINT "FK_customercraft_budget_charges_customercraft_grants_grant_id" FOREIGN KEY ("grant_id") REFERENCES "customercraft_grants" ("grant_id") ON DELETE CASCADE
                """);

        private static void Rebuild(MigrationBuilder migrationBuilder, string foreignKey)
        {
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "ef_temp_customercraft_budget_charges";""");
            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_customercraft_budget_charges" (
                    "grant_id" TEXT NOT NULL,
                    "ordinal" INTEGER NOT NULL,
                    "action" TEXT NOT NULL,
                    "amount_units" INTEGER NOT NULL,
                    "at_ticks" INTEGER NOT NULL,
                    "scope" INTEGER NOT NULL,
                    "subject_id" TEXT NOT NULL,
                    "voided" INTEGER NOT NULL,
                    CONSTRAINT "PK_customercraft_budget_charges" PRIMARY KEY ("grant_id", "ordinal"){foreignKey}
                );
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_customercraft_budget_charges" ("grant_id", "ordinal", "action", "amount_units", "at_ticks", "scope", "subject_id", "voided")
                SELECT "grant_id", "ordinal", "action", "amount_units", "at_ticks", "scope", "subject_id", "voided"
                FROM "customercraft_budget_charges";
                """);
            migrationBuilder.Sql("""DROP TABLE "customercraft_budget_charges";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_customercraft_budget_charges" RENAME TO "customercraft_budget_charges";""");
            migrationBuilder.Sql("""CREATE INDEX "IX_customercraft_budget_charges_at_ticks_scope" ON "customercraft_budget_charges" ("at_ticks", "scope");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_customercraft_budget_charges_scope_subject_id_action_at_ticks" ON "customercraft_budget_charges" ("scope", "subject_id", "action", "at_ticks");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_customercraft_budget_charges_voided" ON "customercraft_budget_charges" ("grant_id") WHERE voided;""");
        }
    }
}
