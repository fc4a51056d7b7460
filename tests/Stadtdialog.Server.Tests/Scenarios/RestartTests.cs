using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>What survives a restart: the database is the source of truth, the search index can be rebuilt from it.</summary>
public sealed class RestartTests
{
    private const string Question = "Wie beantrage ich einen neuen Personalausweis?";

    [Fact]
    public async Task A_lost_search_index_is_rebuilt_from_the_database_on_start()
    {
        var data = Path.Combine(Path.GetTempPath(), "stadtdialog-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Guid conversation;
            await using (var first = new StadtdialogFactory { DataDirectory = data, KeepData = true })
            {
                (conversation, _) = await first.AskNewAsync(StadtdialogFactory.DemoTenant, Question);
            }

            // The index folder is gone (disk replaced, folder deleted by mistake); the database is intact.
            Directory.Delete(Path.Combine(data, "index"), recursive: true);

            // Demo provisioning is off, so nothing re-ingests the content: only the start-up check can restore it.
            await using var second = new StadtdialogFactory { DataDirectory = data, DemoEnabled = false };
            var answer = await second.AskAsync(StadtdialogFactory.DemoTenant, conversation, Question);

            Assert.True(answer.Done.AnswerType == "retrieval", $"Expected a retrieval answer after the rebuild. Stream:\n{answer}");
            Assert.Contains(answer.Citations, c => c.Url.StartsWith("/demo/buergerservice/personalausweis", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
