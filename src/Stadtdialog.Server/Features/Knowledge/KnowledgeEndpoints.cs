using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stadtdialog.Data;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Jobs;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Knowledge.Sources;
using Stadtdialog.Server.Features.Admin;
using Stadtdialog.Server.Features.Tenants;

namespace Stadtdialog.Server.Features.Knowledge;

/// <summary>A knowledge source as editors create or change it.</summary>
public sealed record SourceRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    KnowledgeSourceType Type,
    [property: StringLength(2000)] string? Location = null,
    SourceSettings? Settings = null,
    [property: Range(5, 525_600)] int? RefreshMinutes = null,
    bool Enabled = true,
    bool RunNow = true);

public sealed record DocumentCounts(int Indexed, int Failed, int NoText);

public sealed record SourceResponse(
    Guid Id, string Name, KnowledgeSourceType Type, string Location, SourceSettings Settings, int? RefreshMinutes, bool Enabled,
    DateTimeOffset? NextRunAt, DateTimeOffset? LastRunAt, string? LastRunSummary, DocumentCounts Documents, JobResponse? LastJob);

public sealed record JobResponse(
    Guid Id, Guid SourceId, JobTrigger Trigger, JobStatus Status, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, int? Total, int Seen, int Added, int Updated, int Unchanged, int Removed, int Failed,
    int Skipped, int Chunks, string? Current, string? Error, IReadOnlyList<JobDocumentError> Errors)
{
    public static JobResponse From(IngestionJob job) => new(
        job.Id, job.SourceId, job.Trigger, job.Status, job.QueuedAt, job.StartedAt, job.FinishedAt, job.Total, job.Seen,
        job.Added, job.Updated, job.Unchanged, job.Removed, job.Failed, job.Skipped, job.Chunks, job.Current, job.Error, job.Errors);
}

public sealed record DocumentResponse(
    Guid Id, string Key, string Url, string Title, DocumentKind Kind, DocumentStatus Status, string? Error,
    DateTimeOffset? LastModified, DateTimeOffset IngestedAt, DateTimeOffset? ExpiresAt);

public sealed record DocumentPage(int Total, IReadOnlyList<DocumentResponse> Items);

/// <summary>
/// Knowledge sources of a municipality: create, change, delete, run now, upload files, and follow the jobs. For
/// editors only (operator API key today, staff roles later).
/// </summary>
public static class KnowledgeEndpoints
{
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<IngestionWorker>();
        builder.Services.AddHostedService<IngestionScheduler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapKnowledge(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapTenantAdminGroup("", "Knowledge");
        var sources = tenant.MapGroup("/sources");

        sources.MapGet("/", ListAsync).WithName("ListSources").WithSummary("The municipality's knowledge sources with their state");
        sources.MapPost("/", CreateAsync).WithName("CreateSource").WithSummary("Add a knowledge source (and run it)")
            .ProducesValidationProblem();
        sources.MapGet("/{id:guid}", GetAsync).WithName("GetSource").WithSummary("One knowledge source");
        sources.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateSource").WithSummary("Change a knowledge source")
            .ProducesValidationProblem();
        sources.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteSource")
            .WithSummary("Delete a knowledge source and everything it indexed");
        sources.MapPost("/{id:guid}/refresh", RefreshAsync).WithName("RefreshSource")
            .WithSummary("Run a knowledge source now (returns the queued or already running job)");
        sources.MapPost("/{id:guid}/files", UploadAsync).WithName("UploadFiles")
            .WithSummary("Upload files into an upload source and run it")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(60 * ReaderLimits.MiB))
            .ProducesValidationProblem();
        sources.MapGet("/{id:guid}/documents", DocumentsAsync).WithName("ListDocuments")
            .WithSummary("Documents of a source with their status and errors");
        sources.MapGet("/{id:guid}/jobs", JobsAsync).WithName("ListJobs").WithSummary("Recent runs of a source");
        tenant.MapGet("/jobs/{jobId:guid}", JobAsync).WithName("GetJob").WithSummary("One run with its progress and errors");
        return app;
    }

    private static async Task<Ok<List<SourceResponse>>> ListAsync(StadtdialogDbContext db, CancellationToken ct)
    {
        var sources = await db.KnowledgeSources.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var counts = await CountsAsync(db, null, ct);
        var jobs = await db.IngestionJobs.AsNoTracking().GroupBy(j => j.SourceId)
            .Select(g => g.OrderByDescending(j => j.QueuedAt).First()).ToListAsync(ct);
        return TypedResults.Ok(sources.Select(s => ToResponse(s, counts, jobs.FirstOrDefault(j => j.SourceId == s.Id))).ToList());
    }

    private static async Task<Results<Ok<SourceResponse>, NotFound>> GetAsync(Guid id, StadtdialogDbContext db, CancellationToken ct)
    {
        var source = await db.KnowledgeSources.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (source is null)
        {
            return TypedResults.NotFound();
        }

        var job = await db.IngestionJobs.AsNoTracking().Where(j => j.SourceId == id).OrderByDescending(j => j.QueuedAt).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(ToResponse(source, await CountsAsync(db, id, ct), job));
    }

    private static async Task<Results<Created<SourceResponse>, ValidationProblem, Conflict<ProblemDetails>>> CreateAsync(
        SourceRequest request, StadtdialogDbContext db, IngestionJobs jobs, IOptions<KnowledgeOptions> options, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        if (Validate(request, options.Value) is { } problem)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var location = request.Type == KnowledgeSourceType.Upload ? $"upload:{id:N}" : request.Location!.Trim();
        if (await db.KnowledgeSources.AnyAsync(s => s.Type == request.Type && s.Location == location, ct))
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict, Title = "Schon vorhanden",
                Detail = $"A {request.Type} source for '{location}' exists already.",
            });
        }

        var source = new KnowledgeSource
        {
            Id = id, Name = request.Name.Trim(), Type = request.Type, Location = location, CreatedAt = now,
            Settings = request.Settings ?? new SourceSettings(), Enabled = request.Enabled,
            RefreshInterval = request.RefreshMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
        };
        source.NextRunAt = source.RefreshInterval is { } interval ? now + interval : null;
        db.KnowledgeSources.Add(source);
        await db.SaveChangesAsync(ct);
        IngestionJob? job = null;
        if (request.RunNow && request.Type != KnowledgeSourceType.Upload)
        {
            job = await jobs.QueueAsync(source.Id, JobTrigger.Manual, cancellationToken: ct);
        }

        var tenant = http.GetRouteValue("tenant");
        return TypedResults.Created($"/api/tenants/{tenant}/sources/{source.Id}",
            ToResponse(source, [], job));
    }

    private static async Task<Results<Ok<SourceResponse>, NotFound, ValidationProblem>> UpdateAsync(
        Guid id, SourceRequest request, StadtdialogDbContext db, IngestionJobs jobs, IOptions<KnowledgeOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var source = await db.KnowledgeSources.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (source is null)
        {
            return TypedResults.NotFound();
        }

        if (request.Type != source.Type)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["type"] = ["The type of a source cannot change; create a new source instead."],
            });
        }

        if (Validate(request with { Location = source.Type == KnowledgeSourceType.Upload ? null : request.Location }, options.Value) is { } problem)
        {
            return problem;
        }

        source.Name = request.Name.Trim();
        if (source.Type != KnowledgeSourceType.Upload)
        {
            source.Location = request.Location!.Trim();
        }

        source.Settings = request.Settings ?? new SourceSettings();
        source.Enabled = request.Enabled;
        source.RefreshInterval = request.RefreshMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null;
        source.NextRunAt = source.RefreshInterval is { } interval ? time.GetUtcNow() + interval : null;
        await db.SaveChangesAsync(ct);
        var job = request.RunNow ? await jobs.QueueAsync(source.Id, JobTrigger.Manual, cancellationToken: ct) : null;
        return TypedResults.Ok(ToResponse(source, await CountsAsync(db, id, ct), job));
    }

    private static async Task<NoContent> DeleteAsync(
        Guid id, KnowledgeIngestor ingestor, StadtdialogDbContext db, IngestionQueue queue, IOptions<DataOptions> data, CancellationToken ct)
    {
        var source = await db.KnowledgeSources.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new NotFoundException($"The knowledge source {id} does not exist.");

        // Waits for a run of the municipality to finish: a delete must not commit another run's unfinished batch.
        using (await queue.LockTenantAsync(source.TenantId, ct))
        {
            await ingestor.DeleteSourceAsync(id, ct);
        }

        if (source.Type == KnowledgeSourceType.Upload && Directory.Exists(FolderConnector.UploadFolder(data.Value, source)))
        {
            Directory.Delete(FolderConnector.UploadFolder(data.Value, source), recursive: true);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Accepted<JobResponse>> RefreshAsync(Guid id, IngestionJobs jobs, HttpContext http, CancellationToken ct)
    {
        var job = await jobs.QueueAsync(id, JobTrigger.Manual, cancellationToken: ct);
        return TypedResults.Accepted($"/api/tenants/{http.GetRouteValue("tenant")}/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Results<Accepted<JobResponse>, ValidationProblem>> UploadAsync(
        Guid id, IFormFileCollection files, StadtdialogDbContext db, IngestionJobs jobs, IOptions<DataOptions> data,
        IOptions<KnowledgeOptions> options, HttpContext http, CancellationToken ct)
    {
        var source = await db.KnowledgeSources.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new NotFoundException($"The knowledge source {id} does not exist.");
        var errors = new Dictionary<string, string[]>();
        if (source.Type != KnowledgeSourceType.Upload)
        {
            errors["source"] = ["Files can only be uploaded into an upload source."];
        }

        if (files.Count == 0)
        {
            errors["files"] = ["No file was sent (multipart/form-data, field 'files')."];
        }

        foreach (var file in files)
        {
            var name = Path.GetFileName(file.FileName);
            if (string.IsNullOrWhiteSpace(name) || name.StartsWith('.') || FileFormats.Detect(name) == FileFormat.Unknown)
            {
                errors[file.FileName] = ["Supported are HTML, Markdown, text, PDF, DOCX, XLSX, CSV, iCalendar and catalogue JSON files."];
            }
            else if (file.Length > options.Value.MaxUploadBytes)
            {
                errors[file.FileName] = [DocumentReaders.TooLarge(file.Length, options.Value.MaxUploadBytes)];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var folder = FolderConnector.UploadFolder(data.Value, source);
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            // Written under a temporary name first: a half-written file is never read by a running job.
            var target = Path.Combine(folder, Path.GetFileName(file.FileName));
            var temporary = Path.Combine(folder, "." + Guid.NewGuid().ToString("N"));
            await using (var stream = File.Create(temporary))
            {
                await file.CopyToAsync(stream, ct);
            }

            File.Move(temporary, target, overwrite: true);
        }

        var job = await jobs.QueueAsync(id, JobTrigger.Upload, cancellationToken: ct);
        return TypedResults.Accepted($"/api/tenants/{http.GetRouteValue("tenant")}/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Results<Ok<DocumentPage>, NotFound, ValidationProblem>> DocumentsAsync(
        Guid id, StadtdialogDbContext db,
        [Description("Only documents with this status: indexed, failed or noText (as in the responses; case-insensitive).")] string? status,
        int? skip, int? take, CancellationToken ct)
    {
        // The query filter hides other tenants' sources: their documents are as unknown as the source itself.
        if (!await db.KnowledgeSources.AnyAsync(s => s.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var query = db.Documents.AsNoTracking().Where(d => d.SourceId == id);
        if (status is not null)
        {
            // Bound by hand: the responses write the status in camelCase, the default enum binding wants PascalCase.
            if (!Enum.TryParse<DocumentStatus>(status, ignoreCase: true, out var wanted) || !Enum.IsDefined(wanted))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = ["Use indexed, failed or noText."],
                });
            }

            query = query.Where(d => d.Status == wanted);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(d => d.Key).Skip(Math.Max(0, skip ?? 0)).Take(Math.Clamp(take ?? 100, 1, 500))
            .Select(d => new DocumentResponse(d.Id, d.Key, d.Url, d.Title, d.Kind, d.Status, d.Error, d.LastModified, d.IngestedAt, d.ExpiresAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new DocumentPage(total, items));
    }

    private static async Task<Results<Ok<List<JobResponse>>, NotFound>> JobsAsync(
        Guid id, StadtdialogDbContext db, IngestionJobs jobs, CancellationToken ct) =>
        await db.KnowledgeSources.AnyAsync(s => s.Id == id, ct)
            ? TypedResults.Ok((await jobs.ListAsync(id, 20, ct)).Select(JobResponse.From).ToList())
            : TypedResults.NotFound();

    private static async Task<Results<Ok<JobResponse>, NotFound>> JobAsync(Guid jobId, IngestionJobs jobs, CancellationToken ct) =>
        await jobs.FindAsync(jobId, ct) is { } job ? TypedResults.Ok(JobResponse.From(job)) : TypedResults.NotFound();

    private static ValidationProblem? Validate(SourceRequest request, KnowledgeOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        var validation = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), validation, validateAllProperties: true))
        {
            foreach (var result in validation)
            {
                errors[result.MemberNames.FirstOrDefault() ?? "request"] = [result.ErrorMessage ?? "invalid"];
            }
        }

        if (!Enum.IsDefined(request.Type))
        {
            errors["type"] = ["Unknown source type."];
        }

        var location = request.Location?.Trim();
        var isUrl = Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        switch (request.Type)
        {
            case KnowledgeSourceType.Upload:
                break;
            case KnowledgeSourceType.Website when !isUrl:
                errors["location"] = ["A website needs an http(s) start URL."];
                break;
            case KnowledgeSourceType.Folder when string.IsNullOrEmpty(location) || isUrl || !options.IsAllowedFolder(location):
                errors["location"] = ["Folder sources must lie in one of the folders the operator allowed (Stadtdialog:Knowledge:AllowedFolders)."];
                break;
            case KnowledgeSourceType.Faq or KnowledgeSourceType.Events or KnowledgeSourceType.Catalogue
                when !isUrl && (string.IsNullOrEmpty(location) || !options.IsAllowedFolder(location)):
                errors["location"] = ["Give an http(s) URL, or a file in one of the folders the operator allowed."];
                break;
            default:
                break;
        }

        if (request.Settings is { } settings)
        {
            Check(errors, "settings.maxPages", settings.MaxPages, 1, 100_000);
            Check(errors, "settings.maxDepth", settings.MaxDepth, 0, 50);
            Check(errors, "settings.requestDelayMilliseconds", settings.RequestDelayMilliseconds, 0, 60_000);
            Check(errors, "settings.maxConcurrency", settings.MaxConcurrency, 1, 16);
            Check(errors, "settings.eventWindowDays", settings.EventWindowDays, 1, 3660);
            foreach (var url in settings.StartUrls.Concat(settings.Sitemaps))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var extra) || extra.Scheme is not ("http" or "https"))
                {
                    errors["settings"] = [$"'{url}' is not an http(s) URL."];
                }
            }
        }

        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }

    private static void Check(Dictionary<string, string[]> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors[name] = [$"Must be between {min} and {max}."];
        }
    }

    private static async Task<List<(Guid SourceId, DocumentStatus Status, int Count)>> CountsAsync(
        StadtdialogDbContext db, Guid? sourceId, CancellationToken ct)
    {
        var query = db.Documents.AsNoTracking();
        if (sourceId is not null)
        {
            query = query.Where(d => d.SourceId == sourceId);
        }

        var rows = await query.GroupBy(d => new { d.SourceId, d.Status })
            .Select(g => new { g.Key.SourceId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        return [.. rows.Select(r => (r.SourceId, r.Status, r.Count))];
    }

    private static SourceResponse ToResponse(KnowledgeSource source, List<(Guid SourceId, DocumentStatus Status, int Count)> counts, IngestionJob? job)
    {
        int Count(DocumentStatus status) => counts.Where(c => c.SourceId == source.Id && c.Status == status).Sum(c => c.Count);
        return new SourceResponse(source.Id, source.Name, source.Type, source.Location, source.Settings,
            source.RefreshInterval is { } interval ? (int)interval.TotalMinutes : null, source.Enabled, source.NextRunAt,
            source.LastRunAt, source.LastRunSummary,
            new DocumentCounts(Count(DocumentStatus.Indexed), Count(DocumentStatus.Failed), Count(DocumentStatus.NoText)),
            job is null ? null : JobResponse.From(job));
    }
}
