using Microsoft.AspNetCore.Http.HttpResults;

namespace Stadtdialog.Server.Features.OpenAi;

/// <summary>
/// Errors of the <c>/v1</c> API in OpenAI's shape (<c>{"error": {"message", "type", "param", "code"}}</c>): OpenAI
/// clients show <c>error.message</c> and do not understand problem details. The messages are German, for the people
/// who read them in their chat client; type and code are OpenAI's values, for programs.
/// </summary>
internal static class OpenAiErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string ServerError = "server_error";

    public static JsonHttpResult<OpenAiErrorResponse> Create(int status, string message, string type = InvalidRequest,
        string? code = null, string? param = null) =>
        TypedResults.Json(new OpenAiErrorResponse(new OpenAiError(message, type, param, code)), statusCode: status);

    public static JsonHttpResult<OpenAiErrorResponse> BadRequest(string message, string? param = null) =>
        Create(StatusCodes.Status400BadRequest, message, param: param);

    public static JsonHttpResult<OpenAiErrorResponse> ModelNotFound(string model) =>
        Create(StatusCodes.Status404NotFound,
            $"Das Modell „{model}“ gibt es nicht, oder dieser API-Schlüssel hat keinen Zugriff darauf. GET /v1/models listet die verfügbaren Assistenten.",
            code: "model_not_found", param: "model");

    public static JsonHttpResult<OpenAiErrorResponse> Internal() =>
        Create(StatusCodes.Status500InternalServerError,
            "Bei der Bearbeitung ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.", ServerError);
}

/// <summary>Turns exceptions of a <c>/v1</c> handler into OpenAI-style errors (instead of problem details).</summary>
internal sealed partial class OpenAiErrorFilter(ILogger<OpenAiErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw; // the client went away; nobody reads an answer
        }
        catch (global::Stadtdialog.NotFoundException ex)
        {
            return OpenAiErrors.Create(StatusCodes.Status404NotFound, ex.Message, code: "not_found");
        }
        catch (BadHttpRequestException ex)
        {
            return OpenAiErrors.Create(ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Die Anfrage ist zu groß."
                : "Die Anfrage konnte nicht gelesen werden.");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return OpenAiErrors.BadRequest(ex.Message);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, context.HttpContext.Request.Path.Value ?? "");
            return OpenAiErrors.Internal();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The OpenAI-compatible request {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string path);
}
