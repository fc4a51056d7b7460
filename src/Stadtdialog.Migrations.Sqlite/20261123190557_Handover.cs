using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Stadtdialog.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Handover : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AgentId",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AgentJoinedAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AgentName",
                table: "Conversations",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ClosedAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HandoverReason",
                table: "Conversations",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "HandoverRequestedAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Mode",
                table: "Conversations",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "QueueId",
                table: "Conversations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_TenantId_Mode",
                table: "Conversations",
                columns: new[] { "TenantId", "Mode" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Conversations_TenantId_Mode",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "AgentId",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "AgentJoinedAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "AgentName",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "HandoverReason",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "HandoverRequestedAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "Mode",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "QueueId",
                table: "Conversations");
        }
    }
}
