using System.Text;
using System.Text.Json;

namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>One Server-Sent Event as it came over the wire.</summary>
public sealed record SseEvent(string Name, string Data)
{
    public T As<T>() => JsonSerializer.Deserialize<T>(Data, Wire.Json)
        ?? throw new InvalidOperationException($"The '{Name}' event has no payload: {Data}");
}

/// <summary>A small Server-Sent Events parser (WHATWG rules: fields event/data, comments, LF/CRLF/CR line ends).</summary>
public static class SseParser
{
    public static IReadOnlyList<SseEvent> Parse(string stream)
    {
        var events = new List<SseEvent>();
        var name = "";
        var data = new StringBuilder();
        var hasData = false;
        var lines = stream.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');

        // The last piece is an unterminated line (or empty); an event not closed by a blank line is discarded.
        foreach (var line in lines[..^1])
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    events.Add(new SseEvent(name.Length == 0 ? "message" : name, data.ToString()));
                }

                name = "";
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                continue; // comment / keep-alive
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
            }
        }

        return events;
    }
}
