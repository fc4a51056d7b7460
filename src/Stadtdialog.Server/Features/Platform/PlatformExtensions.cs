using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using Stadtdialog.Data;

namespace Stadtdialog.Server.Features.Platform;

/// <summary>Cross-cutting plumbing: errors as problem details, JSON, limits, CORS, health, OpenAPI, telemetry.</summary>
public static class PlatformExtensions
{
    public const string WidgetCorsPolicy = "widget";

    /// <summary>Largest request body the server accepts anywhere (a question is far smaller).</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    public static IHostApplicationBuilder AddPlatform(this IHostApplicationBuilder builder)
    {
        AddSettingsBesideTheBinary(builder);
        var services = builder.Services;
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier));
        services.AddSingleton<IProblemDetailsWriter, EventStreamProblemDetailsWriter>(); // after the default writer
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
        {
            options.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            options.AddServerHeader = false;
        });

        // The widget is embedded on municipal websites of any origin; it sends no cookies or credentials.
        services.AddCors(options => options.AddPolicy(WidgetCorsPolicy, policy =>
            policy.AllowAnyOrigin().WithMethods("GET", "POST").WithHeaders("Content-Type", "Accept")));

        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Stadtdialog API";
            document.Info.Description =
                "Municipal chat platform: tenants (municipalities), assistants, conversations with streamed, sourced answers.";
            return Task.CompletedTask;
        }));

        services.AddHealthChecks()
            .AddDbContextCheck<StadtdialogDbContext>("database", tags: ["ready"])
            .AddCheck<StartupHealthCheck>("startup", tags: ["ready"]);
        services.AddSingleton<StartupHealthCheck>();
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService<SearchIndexVerifier>();

        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddMeter(StadtdialogMetrics.MeterName))
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        services.AddSingleton<StadtdialogMetrics>();
        return builder;
    }

    /// <summary>
    /// <c>dotnet run</c> starts in the repository root (RunWorkingDirectory), which becomes the content root, so the
    /// appsettings files next to the binary would be missed. They are added with the lowest precedence: the content
    /// root's files, environment variables and command-line arguments still win.
    /// </summary>
    private static void AddSettingsBesideTheBinary(IHostApplicationBuilder builder)
    {
        var binary = AppContext.BaseDirectory;
        if (string.Equals(Path.GetFullPath(builder.Environment.ContentRootPath).TrimEnd(Path.DirectorySeparatorChar),
                Path.GetFullPath(binary).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        string[] files = ["appsettings.json", $"appsettings.{builder.Environment.EnvironmentName}.json"];
        for (var i = files.Length - 1; i >= 0; i--)
        {
            var path = Path.Combine(binary, files[i]);
            if (File.Exists(path))
            {
                var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = path, Optional = true };
                source.ResolveFileProvider();
                sources.Insert(0, source);
            }
        }
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            await next(context);
        });
        app.UseCors();
        return app;
    }

    public static IEndpointRouteBuilder MapPlatform(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") })
            .ExcludeFromDescription();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options.WithTitle("Stadtdialog API"));
        return app;
    }
}

/// <summary>Maps domain exceptions to RFC 7807 problem details; nothing else leaks to clients.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            global::Stadtdialog.NotFoundException => (StatusCodes.Status404NotFound, "Nicht gefunden"),
            global::Stadtdialog.Handover.HandoverConflictException => (StatusCodes.Status409Conflict, "Nicht möglich"),
            ArgumentException or FormatException => (StatusCodes.Status400BadRequest, "Ungültige Anfrage"),
            BadHttpRequestException bad => (bad.StatusCode, "Ungültige Anfrage"),
            _ => (StatusCodes.Status500InternalServerError, "Interner Fehler"),
        };
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = status == StatusCodes.Status500InternalServerError
                    ? "Bei der Bearbeitung ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut."
                    : exception.Message,
            },
        });
    }
}
