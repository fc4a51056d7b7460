using System.Globalization;
using System.Net;

namespace Stadtdialog.Bench.Load;

/// <summary>Command line of the load driver; every limit is bounded so a run always ends by itself.</summary>
internal sealed record LoadOptions(
    Uri Url,
    string Tenant,
    string Assistant,
    int Concurrency,
    double DurationSeconds,
    double WarmupSeconds,
    int TurnsPerConversation,
    double TimeoutSeconds,
    long MaxTurns)
{
    public const string Usage =
        "usage: Stadtdialog.Bench.Load --url http://127.0.0.1:5080 [--tenant musterstadt] [--assistant buergerservice]\n" +
        "       [--concurrency 16 (1..256)] [--duration 20 (1..600 s)] [--warmup 2 (0..60 s)]\n" +
        "       [--turns-per-conversation 10 (1..1000)] [--timeout 30 (1..120 s per request)] [--max-turns N]\n" +
        "Only loopback servers are accepted (127.0.0.0/8, ::1, localhost).";

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        string? url = null;
        var options = new LoadOptions(new Uri("http://127.0.0.1:5080"), "musterstadt", "buergerservice", 16, 20, 2, 10, 30, long.MaxValue);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--url": url = Value(); break;
                case "--tenant": options = options with { Tenant = Value() }; break;
                case "--assistant": options = options with { Assistant = Value() }; break;
                case "--concurrency": options = options with { Concurrency = Int(Value(), 1, 256, "--concurrency") }; break;
                case "--duration": options = options with { DurationSeconds = Seconds(Value(), 1, 600, "--duration") }; break;
                case "--warmup": options = options with { WarmupSeconds = Seconds(Value(), 0, 60, "--warmup") }; break;
                case "--turns-per-conversation": options = options with { TurnsPerConversation = Int(Value(), 1, 1000, "--turns-per-conversation") }; break;
                case "--timeout": options = options with { TimeoutSeconds = Seconds(Value(), 1, 120, "--timeout") }; break;
                case "--max-turns": options = options with { MaxTurns = Int(Value(), 1, int.MaxValue, "--max-turns") }; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (url is not null)
        {
            options = options with { Url = ParseLoopbackUrl(url) };
        }

        foreach (var (name, value) in new[] { ("--tenant", options.Tenant), ("--assistant", options.Assistant) })
        {
            if (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException($"{name} must be 1–64 letters, digits, '-' or '_'.");
            }
        }

        return options;
    }

    /// <summary>
    /// Accepts only http(s) URLs whose host is a loopback address or <c>localhost</c>: this tool generates load and
    /// must never be pointed at someone else's server.
    /// </summary>
    public static Uri ParseLoopbackUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{text}' is not an http:// or https:// URL.");
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ArgumentException($"'{text}': give only scheme, host, port and optionally a base path.");
        }

        if (!IsLoopbackHost(uri))
        {
            throw new ArgumentException(
                $"Refusing to send load to '{uri.Host}': only loopback hosts are allowed (127.0.0.0/8, ::1, localhost).");
        }

        return uri;
    }

    private static bool IsLoopbackHost(Uri uri)
    {
        switch (uri.HostNameType)
        {
            case UriHostNameType.Dns:
                return string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
            case UriHostNameType.IPv4:
            case UriHostNameType.IPv6:
                if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
                {
                    return false;
                }

                if (address.IsIPv4MappedToIPv6)
                {
                    address = address.MapToIPv4();
                }

                // IPv4: the whole 127.0.0.0/8 block; IPv6: only ::1.
                return IPAddress.IsLoopback(address);
            default:
                return false;
        }
    }

    private static int Int(string value, int min, int max, string name) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}.");

    private static double Seconds(string value, double min, double max, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be between {min} and {max} seconds.");
}
