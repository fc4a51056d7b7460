using System.Globalization;
using System.Net;

namespace Stadtdialog.LiveData;

/// <summary>
/// A bounded HTTP request to a data platform, shared by the connectors: the body is read while streaming and the
/// download stops as soon as it exceeds the limit; every transport failure becomes a
/// <see cref="LiveDataUnavailableException"/> naming the platform and path (never the query, which can carry user
/// text); the caller's cancellation passes through.
/// </summary>
internal static class LiveHttp
{
    /// <summary>The status, content type and body of a response (non-success responses included, so that API errors can be read).</summary>
    internal sealed record Response(HttpStatusCode Status, string? ReasonPhrase, string? ContentType, string? Charset, byte[] Body)
    {
        public bool IsSuccess => (int)Status is >= 200 and <= 299;
    }

    public static async Task<Response> GetAsync(HttpClient http, Uri url, long maxBytes, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await SendAsync(http, request, maxBytes, what, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="request"/> (with the caller's headers) and reads the answer within <paramref name="maxBytes"/>.</summary>
    public static async Task<Response> SendAsync(HttpClient http, HttpRequestMessage request, long maxBytes, string what,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var url = request.RequestUri!.IsAbsoluteUri || http.BaseAddress is null ? request.RequestUri : new Uri(http.BaseAddress, request.RequestUri);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength is { } announced && announced > maxBytes)
            {
                throw TooLarge(url, what, maxBytes);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var body = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > maxBytes)
                    {
                        throw TooLarge(url, what, maxBytes);
                    }

                    body.Write(buffer, 0, read);
                }

                var contentType = response.Content.Headers.ContentType;
                return new Response(response.StatusCode, response.ReasonPhrase, contentType?.MediaType, contentType?.CharSet, body.ToArray());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw new LiveDataUnavailableException($"The {what} at {Display(url)} did not answer in time.", e);
        }
        catch (HttpRequestException e)
        {
            throw new LiveDataUnavailableException($"The {what} at {Display(url)} could not be reached: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new LiveDataUnavailableException($"The connection to the {what} at {Display(url)} broke off: {e.Message}", e);
        }
    }

    /// <summary>The URL without its query (queries can be long and carry user text).</summary>
    public static string Display(Uri url) => url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path) : url.ToString();

    private static LiveDataUnavailableException TooLarge(Uri url, string what, long maxBytes) =>
        new($"The {what} at {Display(url)} is larger than the limit of {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes; it was not read.");
}
