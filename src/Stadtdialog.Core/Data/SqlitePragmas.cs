using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Stadtdialog.Data;

/// <summary>
/// Tunes every physical SQLite connection once, when the pool first opens it: WAL for concurrent readers while one
/// writer commits, NORMAL sync (durable at checkpoints, safe with WAL), a busy timeout instead of immediate
/// "database is locked" errors, foreign keys. Reopening a pooled connection costs nothing extra.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";

    /// <summary>Native handles already tuned; a pooled connection keeps its handle across opens.</summary>
    private static readonly ConditionalWeakTable<object, object> Tuned = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsTuning(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsTuning(connection))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = Pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool NeedsTuning(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || Tuned.TryAdd(handle, Tuned);
}
