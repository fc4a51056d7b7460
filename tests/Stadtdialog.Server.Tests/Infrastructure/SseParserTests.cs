using Xunit;

namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>The test's own SSE parser must be right, or the stream tests prove nothing.</summary>
public sealed class SseParserTests
{
    [Fact]
    public void Parses_named_events_comments_multi_line_data_and_any_line_ending_and_drops_an_unterminated_event()
    {
        var events = SseParser.Parse(
            ": keep-alive\r\nevent: delta\r\ndata: {\"text\":\"a\"}\r\n\r\n" +
            "event: citation\ndata:{\"index\":1,\ndata: \"title\":\"T\"}\n\n" +
            "data: plain\r\r" +
            "event: done\ndata: {}\n");

        Assert.Equal(
        [
            new SseEvent("delta", "{\"text\":\"a\"}"),
            new SseEvent("citation", "{\"index\":1,\n\"title\":\"T\"}"),
            new SseEvent("message", "plain"),
        ], events);
    }
}
