using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Stadtdialog.Chat;
using Stadtdialog.Data;
using Stadtdialog.Evaluation;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Jobs;
using Stadtdialog.Knowledge.Readers;
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
        var location = new Argument<string>("location") { Description = "Folder, file or URL (website start page, FAQ table, iCalendar feed, catalogue)" };
        var type = new Option<KnowledgeSourceType?>("--type")
        {
            Description = "Source type (Folder, Website, Faq, Events, Catalogue); guessed from the location when left out",
        };
        var refresh = new Option<int?>("--refresh-minutes") { Description = "Refresh the source automatically every N minutes (server)" };
        var delay = new Option<int?>("--delay-ms") { Description = "Website: pause between two requests to the same host" };
        var maxPages = new Option<int?>("--max-pages") { Description = "Website: pages fetched at most" };
        var command = new Command("ingest", "Register a knowledge source (if new) and run it now, with a progress bar")
        {
            tenant, location, type, refresh, delay, maxPages,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, async (services, ct2) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            if (!TenantIds.IsValid(tenantId))
            {
                return Error($"'{tenantId}' is not a valid tenant id (lower-case letters, digits and dashes).");
            }

            var raw = parse.GetValue(location)!;
            var sourceType = parse.GetValue(type) ?? GuessType(raw);
            var isUrl = Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
            var where = isUrl ? raw : Path.GetFullPath(raw);
            if (!isUrl && !(sourceType == KnowledgeSourceType.Folder ? Directory.Exists(where) : File.Exists(where)))
            {
                return Error($"'{where}' does not exist.");
            }

            if (sourceType == KnowledgeSourceType.Website && !isUrl)
            {
                return Error("A website source needs an http(s) start URL.");
            }

            await services.GetRequiredService<TenantProvisioning>().EnsureAsync(tenantId, ct2);
            services.GetRequiredService<TenantContext>().Set(tenantId);
            var source = await services.GetRequiredService<KnowledgeIngestor>().EnsureSourceAsync(sourceType, where, cancellationToken: ct2);
            var db = services.GetRequiredService<StadtdialogDbContext>();
            var tracked = await db.KnowledgeSources.SingleAsync(s => s.Id == source.Id, ct2);
            if (parse.GetValue(refresh) is { } minutes)
            {
                tracked.RefreshInterval = minutes > 0 ? TimeSpan.FromMinutes(minutes) : null;
            }

            if (parse.GetValue(delay) is { } milliseconds)
            {
                tracked.Settings.RequestDelayMilliseconds = milliseconds;
            }

            if (parse.GetValue(maxPages) is { } pages)
            {
                tracked.Settings.MaxPages = pages;
            }

            await db.SaveChangesAsync(ct2);
            return await RunJobAsync(services, tenantId, source, ct2);
        }, ct));
        return command;
    }

    public static Command Sources(Option<string> data)
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant id" };
        var command = new Command("sources", "List a tenant's knowledge sources with their last run") { tenant };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, async (services, ct2) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            if (!TenantIds.IsValid(tenantId) || !await services.GetRequiredService<TenantProvisioning>().ExistsAsync(tenantId, ct2))
            {
                return Error($"The tenant '{tenantId}' does not exist.");
            }

            services.GetRequiredService<TenantContext>().Set(tenantId);
            var db = services.GetRequiredService<StadtdialogDbContext>();
            var sources = await db.KnowledgeSources.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(ct2);
            var counts = await db.Documents.GroupBy(d => new { d.SourceId, d.Status })
                .Select(g => new { g.Key.SourceId, g.Key.Status, Count = g.Count() }).ToListAsync(ct2);
            var table = new Table().AddColumns("id", "type", "location", "documents", "failed", "refresh", "last run");
            foreach (var source in sources)
            {
                int Count(DocumentStatus status) => counts.Where(c => c.SourceId == source.Id && c.Status == status).Sum(c => c.Count);
                table.AddRow(
                    source.Id.ToString("N")[..12], source.Type.ToString(), source.Location.EscapeMarkup(),
                    Count(DocumentStatus.Indexed).ToString(CultureInfo.InvariantCulture),
                    (Count(DocumentStatus.Failed) + Count(DocumentStatus.NoText)).ToString(CultureInfo.InvariantCulture),
                    source.RefreshInterval?.ToString() ?? "-",
                    ((source.LastRunAt?.ToString("u", CultureInfo.InvariantCulture) ?? "never") + " " + source.LastRunSummary).EscapeMarkup());
            }

            AnsiConsole.Write(table);
            return 0;
        }, ct));
        return command;
    }

    public static Command Refresh(Option<string> data)
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant id" };
        var source = new Argument<string>("source") { Description = "Source id (or its first characters, as `sources` shows them)" };
        var command = new Command("refresh", "Run a knowledge source now") { tenant, source };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data)!, async (services, ct2) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            if (!TenantIds.IsValid(tenantId))
            {
                return Error($"'{tenantId}' is not a valid tenant id.");
            }

            services.GetRequiredService<TenantContext>().Set(tenantId);
            var prefix = parse.GetValue(source)!.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
            var sources = await services.GetRequiredService<StadtdialogDbContext>().KnowledgeSources.AsNoTracking().ToListAsync(ct2);
            var matches = sources.Where(s => s.Id.ToString("N").StartsWith(prefix, StringComparison.Ordinal)).ToList();
            return matches.Count switch
            {
                0 => Error($"No source of '{tenantId}' has an id starting with '{prefix}'."),
                > 1 => Error($"'{prefix}' matches {matches.Count} sources; give more characters."),
                _ => await RunJobAsync(services, tenantId, matches[0], ct2),
            };
        }, ct));
        return command;
    }

    private static KnowledgeSourceType GuessType(string location)
    {
        var format = FileFormats.Detect(location);
        var isUrl = Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        return format switch
        {
            FileFormat.Calendar => KnowledgeSourceType.Events,
            FileFormat.Csv or FileFormat.Xlsx => KnowledgeSourceType.Faq,
            FileFormat.Catalogue => KnowledgeSourceType.Catalogue,
            _ when isUrl && (uri!.AbsolutePath.Contains("package_search", StringComparison.Ordinal)
                || uri.AbsolutePath.Contains("/catalogues", StringComparison.Ordinal)) => KnowledgeSourceType.Catalogue,
            _ when isUrl => KnowledgeSourceType.Website,
            _ => KnowledgeSourceType.Folder,
        };
    }

    /// <summary>Runs the source as a job (recorded like the server's), with a progress bar on a terminal.</summary>
    private static async Task<int> RunJobAsync(IServiceProvider services, string tenantId, KnowledgeSource source, CancellationToken cancellationToken)
    {
        var job = await services.GetRequiredService<IngestionJobs>().QueueAsync(source.Id, JobTrigger.Manual, dispatch: false, cancellationToken);
        var runner = services.GetRequiredService<IngestionJobRunner>();
        IngestionJob? finished = null;
        var queued = new QueuedJob(tenantId, job.Id);
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"{source.Type} [bold]{source.Location.EscapeMarkup()}[/]");
                    task.IsIndeterminate = true;
                    finished = await runner.RunAsync(queued, new SynchronousProgress<IngestionProgress>(p =>
                    {
                        if (p.Total is { } total)
                        {
                            task.IsIndeterminate = false;
                            task.MaxValue = Math.Max(1, total);
                        }

                        task.Value = p.Processed;
                        task.Description = $"{source.Type} {p.Processed} items, {p.Report.Added} added, {p.Report.Updated} updated, {p.Report.Failed} failed";
                    }), cancellationToken);
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                });
        }
        else
        {
            // Logs and CI: one plain line per 50 items instead of a redrawn bar.
            finished = await runner.RunAsync(queued, new SynchronousProgress<IngestionProgress>(p =>
            {
                if (p.Current is not null && p.Processed % 50 == 1)
                {
                    Console.WriteLine($"ingesting {p.Processed}/{p.Total?.ToString(CultureInfo.InvariantCulture) ?? "?"} {p.Current}");
                }
            }), cancellationToken);
        }

        if (finished is null)
        {
            return Error("The job disappeared.");
        }

        foreach (var error in finished.Errors)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]failed[/] {error.Key}: {error.Message}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{finished.Status}: seen={finished.Seen} added={finished.Added} updated={finished.Updated} unchanged={finished.Unchanged} removed={finished.Removed} failed={finished.Failed} skipped={finished.Skipped} chunks={finished.Chunks}"));
        if (finished.Error is not null)
        {
            Console.Error.WriteLine($"error: {finished.Error}");
        }

        return finished.Status == JobStatus.Succeeded ? 0 : Failed;
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

            Console.WriteLine(report.AnswerMix);
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
