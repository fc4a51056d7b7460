using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stadtdialog.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class KnowledgeSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IndexStamp",
                table: "Tenants",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Enabled",
                table: "KnowledgeSources",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "NextRunAt",
                table: "KnowledgeSources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<TimeSpan>(
                name: "RefreshInterval",
                table: "KnowledgeSources",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Settings",
                table: "KnowledgeSources",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "ETag",
                table: "Documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ExpiresAt",
                table: "Documents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ItemKey",
                table: "Documents",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Keywords",
                table: "Documents",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "Documents",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LastModifiedHeader",
                table: "Documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Links",
                table: "Documents",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "RawHash",
                table: "Documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ValidFrom",
                table: "Documents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IngestionJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SourceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Total = table.Column<int>(type: "INTEGER", nullable: true),
                    Seen = table.Column<int>(type: "INTEGER", nullable: false),
                    Added = table.Column<int>(type: "INTEGER", nullable: false),
                    Updated = table.Column<int>(type: "INTEGER", nullable: false),
                    Unchanged = table.Column<int>(type: "INTEGER", nullable: false),
                    Removed = table.Column<int>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    Chunks = table.Column<int>(type: "INTEGER", nullable: false),
                    Current = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    Errors = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IngestionJobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IngestionJobs_KnowledgeSources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "KnowledgeSources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeSources_NextRunAt",
                table: "KnowledgeSources",
                column: "NextRunAt");

            migrationBuilder.CreateIndex(
                name: "IX_Documents_SourceId_ItemKey",
                table: "Documents",
                columns: new[] { "SourceId", "ItemKey" });

            migrationBuilder.CreateIndex(
                name: "IX_IngestionJobs_SourceId_QueuedAt",
                table: "IngestionJobs",
                columns: new[] { "SourceId", "QueuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_IngestionJobs_Status",
                table: "IngestionJobs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_IngestionJobs_TenantId",
                table: "IngestionJobs",
                column: "TenantId");

            // Documents of the first schema were one per file: the item is the document.
            migrationBuilder.Sql("UPDATE \"Documents\" SET \"ItemKey\" = \"Key\" WHERE \"ItemKey\" = '';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IngestionJobs");

            migrationBuilder.DropIndex(
                name: "IX_KnowledgeSources_NextRunAt",
                table: "KnowledgeSources");

            migrationBuilder.DropIndex(
                name: "IX_Documents_SourceId_ItemKey",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "IndexStamp",
                table: "Tenants");

            migrationBuilder.DropColumn(
                name: "Enabled",
                table: "KnowledgeSources");

            migrationBuilder.DropColumn(
                name: "NextRunAt",
                table: "KnowledgeSources");

            migrationBuilder.DropColumn(
                name: "RefreshInterval",
                table: "KnowledgeSources");

            migrationBuilder.DropColumn(
                name: "Settings",
                table: "KnowledgeSources");

            migrationBuilder.DropColumn(
                name: "ETag",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "ItemKey",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "Keywords",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "LastModifiedHeader",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "Links",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "RawHash",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "ValidFrom",
                table: "Documents");
        }
    }
}
