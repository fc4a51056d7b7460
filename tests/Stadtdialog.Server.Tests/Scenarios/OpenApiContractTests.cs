using Stadtdialog.Server.Tests.Infrastructure;
using Xunit;
using Stadtdialog.Tests;

namespace Stadtdialog.Server.Tests.Scenarios;

/// <summary>
/// The served OpenAPI document is the committed <c>docs/api/openapi.json</c>: an API change is a reviewed change of
/// that file. To accept a change, review it and run <see cref="UpdateCommand"/>.
/// </summary>
public sealed class OpenApiContractTests(StadtdialogFactory server) : IClassFixture<StadtdialogFactory>
{
    private const string UpdateCommand = "UPDATE_OPENAPI=1 dotnet test --project tests/Stadtdialog.Server.Tests --filter-class \"*OpenApi*\"";

    [Fact]
    public async Task OpenApi_document_matches_the_committed_contract()
    {
        using var client = server.CreateClient();
        using var response = await (await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).EnsureSuccessWithBodyAsync();
        var served = Normalize(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var path = RepositoryPaths.CommittedOpenApi;
        var committed = File.Exists(path) ? Normalize(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)) : null;

        if (committed == served)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, served, TestContext.Current.CancellationToken);
            TestContext.Current.TestOutputHelper?.WriteLine($"Wrote {path}.");
            return;
        }

        Assert.Fail(committed is null
            ? $"{path} does not exist. Review the served document and create it with: {UpdateCommand}"
            : $"The API changed: /openapi/v1.json differs from {path} (first difference at line {FirstDifferentLine(committed, served)}). " +
              $"If the change is intended, review it and run: {UpdateCommand}");
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static string FirstDifferentLine(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "(end)";
            var right = i < a.Length ? a[i] : "(end)";
            if (left != right)
            {
                return $"{i + 1}: committed '{left.Trim()}', served '{right.Trim()}'";
            }
        }

        return "?";
    }
}
