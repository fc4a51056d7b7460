using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Evaluation;
using Stadtdialog.Knowledge;
using Stadtdialog.Tenancy;

namespace Stadtdialog.Cli;

/// <summary>The <c>stadtdialog</c> commands. Each runs against the data directory given by <c>--data</c>.</summary>
internal static class Commands
{
    private const int BadArguments = 2;
    private const int Failed = 1;

    public static Command Ingest(Option<string> data)
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant id, e.g. musterstadt (created if missing)" };
        var location = new Argument<string>("folder-or-url") { Description = "Folder with HTML and Markdown files" };
        var command = new Command("ingest", "Ingest a folder of HTML/Markdown pages into a tenant's knowledge") { tenant, location };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, async (services, ct2) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var path = parse.GetValue(location)!;
            if (Uri.TryCreate(path, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return Error("Crawling a website is not available yet; download the pages into a folder and ingest that.");
            }

            if (!Directory.Exists(path))
            {
                return Error($"The folder '{path}' does not exist.");
            }

            if (!TenantIds.IsValid(tenantId))
            {
                return Error($"'{tenantId}' is not a valid tenant id (lower-case letters, digits and dashes).");
            }

            await services.GetRequiredService<TenantProvisioning>().EnsureAsync(tenantId, ct2);
            var ingestor = services.GetRequiredService<KnowledgeIngestor>();
            IngestionReport? report = null;
            if (AnsiConsole.Profile.Capabilities.Interactive)
            {
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"Ingesting into [bold]{tenantId.EscapeMarkup()}[/]");
                        report = await ingestor.IngestFolderAsync(path, new Progress<IngestionProgress>(p =>
                        {
                            task.MaxValue = Math.Max(1, p.Total);
                            task.Value = p.Processed;
                        }), ct2);
                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                // Logs and CI: one plain line per tenth of the run instead of a redrawn bar.
                var lastDecile = -1;
                report = await ingestor.IngestFolderAsync(path, new SynchronousProgress(p =>
                {
                    var decile = p.Total == 0 ? 10 : 10 * p.Processed / p.Total;
                    if (decile != lastDecile)
                    {
                        lastDecile = decile;
                        Console.WriteLine($"ingesting {p.Processed}/{p.Total} {p.Current}");
                    }
                }), ct2);
            }

            foreach (var error in report!.Errors)
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]failed[/] {error.Key}: {error.Message}");
            }

            Console.WriteLine(report.ToString());
            return 0;
        }, ct));
        return command;
    }

    public static Command Ask(Option<string> data)
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant id" };
        var question = new Argument<string>("question") { Description = "The question, in quotes" };
        var assistant = AssistantOption();
        var explain = new Option<bool>("--explain") { Description = "Show how the question was analysed and what was retrieved" };
        var command = new Command("ask", "Ask a tenant's assistant one question") { tenant, question, assistant, explain };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, async (services, ct2) =>
        {
            var (municipality, bot) = await ResolveAsync(services, parse.GetValue(tenant)!, parse.GetValue(assistant)!, ct2);
            var chat = services.GetRequiredService<ChatService>();
            if (parse.GetValue(explain))
            {
                Explain(chat.Search(municipality, parse.GetValue(question)!));
            }

            var answer = await chat.AnswerAsync(municipality, bot, parse.GetValue(question)!, "de", ct2);
            Console.WriteLine(answer.Text);
            foreach (var citation in answer.Citations)
            {
                Console.WriteLine($"[{citation.Index}] {citation.Title}{(citation.Section is null ? "" : " – " + citation.Section)}: {citation.Url}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({answer.AnswerType}, confidence {answer.Confidence:0.00})"));
            return 0;
        }, ct));
        return command;
    }

    public static Command Eval(Option<string> data)
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant id" };
        var file = new Argument<string>("questions.jsonl") { Description = "One {\"question\", \"expected\"} object per line" };
        var assistant = AssistantOption();
        var command = new Command("eval", "Measure retrieval (hit@1, hit@5, MRR) and abstention on a question set") { tenant, file, assistant };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, async (services, ct2) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                return Error($"The question file '{path}' does not exist.");
            }

            IReadOnlyList<EvalQuestion> questions;
            try
            {
                questions = EvalRunner.ReadQuestions(path);
            }
            catch (InvalidDataException ex)
            {
                return Error(ex.Message);
            }

            var (municipality, bot) = await ResolveAsync(services, parse.GetValue(tenant)!, parse.GetValue(assistant)!, ct2);
            var report = await services.GetRequiredService<EvalRunner>().RunAsync(municipality, bot, questions, ct2);
            foreach (var outcome in report.Outcomes)
            {
                var confidence = outcome.Confidence.ToString("0.00", CultureInfo.InvariantCulture);
                if (outcome.OutOfScope && outcome.Abstained)
                {
                    Console.WriteLine($"abstained conf={confidence}: {outcome.Question.Question}");
                }

                if (outcome.OutOfScope && !outcome.Abstained)
                {
                    Console.WriteLine($"ANSWERED (should abstain) conf={confidence}: {outcome.Question.Question} -> {(outcome.Retrieved.Count > 0 ? outcome.Retrieved[0] : "-")}");
                }
                else if (!outcome.OutOfScope && outcome.Rank is not 1)
                {
                    Console.WriteLine($"MISS rank={outcome.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-"} conf={confidence}: {outcome.Question.Question} -> {string.Join(", ", outcome.Retrieved.Take(3))}");
                }

                if (!outcome.OutOfScope && outcome.Abstained)
                {
                    Console.WriteLine($"FALSE ABSTAIN conf={confidence}: {outcome.Question.Question}");
                }
            }

            Console.WriteLine(report.Summary);
            return 0;
        }, ct));
        return command;
    }

    public static Command Reindex(Option<string> data)
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant id" };
        var command = new Command("reindex", "Rebuild a tenant's search index from the database") { tenant };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, async (services, ct2) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            if (!await services.GetRequiredService<TenantProvisioning>().ExistsAsync(tenantId, ct2))
            {
                return Error($"The tenant '{tenantId}' does not exist.");
            }

            services.GetRequiredService<TenantContext>().Set(tenantId);
            var chunks = await services.GetRequiredService<KnowledgeIngestor>().RebuildIndexAsync(ct2);
            Console.WriteLine($"Indexed {chunks} chunks for {tenantId}.");
            return 0;
        }, ct));
        return command;
    }

    private static void Explain(Retrieval.SearchResult result)
    {
        var plan = result.Plan;
        for (var i = 0; i < plan.Words.Count; i++)
        {
            var word = plan.Words[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"word {word.Surface} -> {word.Primary} [{string.Join(' ', word.Parts)}] weight={plan.Weights[i]:0.00} known={plan.Known[i]}"));
        }

        foreach (var expansion in plan.Expansions)
        {
            Console.WriteLine($"synonym {string.Join(' ', expansion.WordIndexes.Select(i => plan.Words[i].Surface))} => {string.Join(' ', expansion.Words.Select(w => w.Primary))}");
        }

        foreach (var hit in result.Hits)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"hit {hit.Score:0.00} coverage={hit.Coverage:0.00} {hit.Url} ({string.Join(" | ", hit.Chunks.Select(c => c.Section))})"));
        }

        Console.WriteLine();
    }

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<IngestionProgress> report) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value) => report(value);
    }

    private static Option<string> AssistantOption() => new("--assistant")
    {
        Description = "Assistant id",
        DefaultValueFactory = _ => TenantProvisioning.DefaultAssistant,
    };

    private static async Task<(Tenant Tenant, Assistant Assistant)> ResolveAsync(
        IServiceProvider services, string tenantId, string assistantId, CancellationToken cancellationToken)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            throw new NotFoundException($"'{tenantId}' is not a valid tenant id.");
        }

        services.GetRequiredService<TenantContext>().Set(tenantId);
        var chat = services.GetRequiredService<ChatService>();
        return (await chat.GetTenantAsync(cancellationToken), await chat.GetAssistantAsync(assistantId, cancellationToken));
    }

    private static int Error(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return BadArguments;
    }

    /// <summary>Builds the services for the data directory, migrates the database and runs the command in a scope.</summary>
    private static async Task<int> RunAsync(string dataDirectory, Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [DataOptions.Section + ":Directory"] = dataDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddStadtdialogCore();
        using var host = builder.Build();
        try
        {
            await host.Services.MigrateDatabaseAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            return await action(scope.ServiceProvider, cancellationToken);
        }
        catch (NotFoundException ex)
        {
            return Error(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Failed;
        }
    }
}
