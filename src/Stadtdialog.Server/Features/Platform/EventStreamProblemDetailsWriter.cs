using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Stadtdialog.Server.Features.Platform;

/// <summary>
/// Writes problem details for requests that accept only <c>text/event-stream</c> (the widget's chat messages). The
/// default writer only answers clients that accept JSON, so such a request would otherwise get an empty error (or,
/// where <see cref="IProblemDetailsService.WriteAsync"/> is used, none at all). An error happens before a stream
/// starts, so it is a regular problem+json response the client can read.
/// </summary>
internal sealed class EventStreamProblemDetailsWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.GetTypedHeaders().Accept.Any(a =>
            a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json"));
    }
}
