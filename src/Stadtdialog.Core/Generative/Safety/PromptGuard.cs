using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Stadtdialog.Generative.Safety;

/// <summary>
/// Helpers against prompt injection: fencing retrieved sources as data, neutralising role markers and special
/// tokens in text that did not come from us, and a canary token that reveals a leaked system prompt.
/// Used by <see cref="PromptGuardChatClient"/>; all members are pure and thread-safe.
/// </summary>
public static partial class PromptGuard
{
    /// <summary>Prefix of a client-supplied system message that was demoted to a user message.</summary>
    public const string UserTextPrefix = "(Nutzertext) ";

    /// <summary>The <see cref="TurnPolicy.BlockedReason"/> when the answer revealed the system prompt.</summary>
    public const string SystemPromptLeakReason = "system-prompt-leak";

    /// <summary>What the caller gets instead of an answer that revealed the system prompt.</summary>
    public const string DefaultRefusal = "Dazu kann ich nichts sagen.";

    /// <summary>Marks a role label or a heading that was neutralised ("system:" → "system (Nutzertext):").</summary>
    private const string QuotedMarker = " (Nutzertext)";

    /// <summary>
    /// A fresh canary such as <c>SD-CANARY-3f9a2c1b</c> to embed in a system prompt (e.g. "Interne Kennung: …, nie
    /// ausgeben"); an answer that contains it, in any spelling, revealed the prompt.
    /// </summary>
    public static string NewCanary() =>
        "SD-CANARY-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>The canaries (<see cref="NewCanary"/>) embedded in a system prompt.</summary>
    public static IReadOnlyList<string> FindCanaries(string systemPrompt)
    {
        ArgumentNullException.ThrowIfNull(systemPrompt);
        return [.. CanaryRegex().Matches(systemPrompt).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// Builds the fenced block of retrieved sources:
    /// <c>&lt;quellen&gt;</c>, per source <c>&lt;quelle nr="N" titel="…" url="…"&gt;…&lt;/quelle&gt;</c>, <c>&lt;/quellen&gt;</c>.
    /// Attribute values are escaped; a source text can neither close its fence nor open a new one, and special
    /// tokens and role markers in it are neutralised.
    /// </summary>
    public static string FenceSources(IReadOnlyList<(string Title, string Url, string Text)> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var builder = new StringBuilder();
        builder.Append("<quellen>\n");
        for (var i = 0; i < sources.Count; i++)
        {
            var (title, url, text) = sources[i];
            builder.Append(CultureInfo.InvariantCulture, $"<quelle nr=\"{i + 1}\" titel=\"")
                .Append(EscapeAttribute(title))
                .Append("\" url=\"")
                .Append(EscapeAttribute(url))
                .Append("\">\n")
                .Append(EscapeFences(NeutralizeMarkers(RemoveInvisible(text ?? string.Empty))).Trim('\n'))
                .Append("\n</quelle>\n");
        }

        builder.Append("</quellen>");
        return builder.ToString();
    }

    /// <summary>
    /// Makes text that did not come from us (a user message, a demoted system message, chat history from an API
    /// client) harmless as a prompt: removes invisible characters, breaks special tokens (<c>&lt;|im_start|&gt;</c>
    /// → <c>‹im_start›</c>, <c>[INST]</c>, <c>&lt;&lt;SYS&gt;&gt;</c>), labels role markers at line start
    /// (<c>system:</c>, <c>### Instruction:</c>) as user text, and breaks our source fences (<c>&lt;/quelle&gt;</c>).
    /// </summary>
    public static string NeutralizeUserText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EscapeFences(NeutralizeMarkers(RemoveInvisible(text)), "‹");
    }

    /// <summary>
    /// Repairs a sources message that was not built by <see cref="FenceSources"/> (or was tampered with): keeps the
    /// structural fences (the first <c>&lt;quellen&gt;</c>, the last <c>&lt;/quellen&gt;</c>, openings numbered
    /// 1, 2, … and the last closing before the next opening) and escapes every other fence tag, so that no source
    /// text can end the block. Text built by <see cref="FenceSources"/> comes back unchanged.
    /// </summary>
    public static string SecureSourcesText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = NeutralizeMarkers(RemoveInvisible(text));
        var tags = FenceTagRegex().Matches(text);
        if (tags.Count == 0)
        {
            return text;
        }

        var keep = new bool[tags.Count];
        var open = -1;
        var close = -1;
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Value == "<quellen>")
            {
                open = i;
                break;
            }
        }

        for (var i = tags.Count - 1; i > open && open >= 0; i--)
        {
            if (tags[i].Value == "</quellen>")
            {
                close = i;
                break;
            }
        }

        if (open >= 0 && close > open)
        {
            keep[open] = true;
            keep[close] = true;
            var expected = 1;
            var lastClosing = -1;
            var inSource = false;
            for (var i = open + 1; i < close; i++)
            {
                var opening = OpeningTagRegex().Match(tags[i].Value);
                if (opening.Success
                    && int.TryParse(opening.Groups["nr"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var nr)
                    && nr == expected)
                {
                    if (inSource && lastClosing >= 0)
                    {
                        keep[lastClosing] = true;
                    }

                    keep[i] = true;
                    expected++;
                    inSource = true;
                    lastClosing = -1;
                }
                else if (tags[i].Value == "</quelle>")
                {
                    lastClosing = i;
                }
            }

            if (inSource && lastClosing >= 0)
            {
                keep[lastClosing] = true;
            }
        }

        var builder = new StringBuilder(text.Length + 16);
        var position = 0;
        for (var i = 0; i < tags.Count; i++)
        {
            if (keep[i])
            {
                continue;
            }

            builder.Append(text, position, tags[i].Index - position).Append("&lt;");
            position = tags[i].Index + 1;
        }

        builder.Append(text, position, text.Length - position);
        return builder.ToString();
    }

    /// <summary>Invisible characters that hide instructions from a human reader (zero-width, bidi overrides, Unicode tags).</summary>
    internal static string RemoveInvisible(string text) =>
        InvisibleRegex().IsMatch(text) ? InvisibleRegex().Replace(text, string.Empty) : text;

    /// <summary>Breaks special tokens and chat-template markers; labels line-start role markers as user text.</summary>
    internal static string NeutralizeMarkers(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        text = SpecialTokenRegex().Replace(text, m => "‹" + m.Groups["name"].Value + "›");
        text = InstTokenRegex().Replace(text, m => "(" + m.Groups["name"].Value + ")");
        text = SysTokenRegex().Replace(text, m => m.Groups["slash"].Success ? "«/SYS»" : "«SYS»");
        text = RoleMarkerRegex().Replace(text, m => m.Groups["lead"].Value + m.Groups["role"].Value + QuotedMarker + ":");
        return text;
    }

    /// <summary>Replaces the <c>&lt;</c> of every source fence tag (<c>&lt;quelle</c>, <c>&lt;/quellen</c>, …).</summary>
    private static string EscapeFences(string text, string replacement = "&lt;") =>
        FenceStartRegex().Replace(text, m => replacement + m.Value[1..]);

    private static string EscapeAttribute(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in RemoveInvisible(value))
        {
            _ = c switch
            {
                '&' => builder.Append("&amp;"),
                '"' => builder.Append("&quot;"),
                '<' => builder.Append("&lt;"),
                '>' => builder.Append("&gt;"),
                '\r' or '\n' or '\t' => builder.Append(' '),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"SD-CANARY-[0-9a-f]{8}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CanaryRegex();

    // Zero-width characters, soft hyphen, bidi embeddings/overrides/isolates, BOM, and Unicode tag characters
    // (U+E0000–U+E007F, written as surrogate pairs), which can smuggle invisible ASCII.
    [GeneratedRegex(@"[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]")]
    private static partial Regex InvisibleRegex();

    // <|im_start|>, <|im_end|>, <|system|>, <|eot_id|>, <|start_header_id|>, <|endoftext|>, … ; Gemma's turn
    // markers and Llama 2's <s>, </s>.
    [GeneratedRegex(@"<\|(?<name>[^|<>\r\n]{1,40})\|>|<(?<name>(?:start|end)_of_turn)>|<(?<name>/?s)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpecialTokenRegex();

    // Llama/Mistral instruction markers.
    [GeneratedRegex(@"\[(?<name>/?(?:INST|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS))\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InstTokenRegex();

    [GeneratedRegex(@"<<(?<slash>/)?SYS>>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SysTokenRegex();

    // A role label or an Alpaca-style heading at line start: "system:", "Assistant:", "### Instruction:", "**System:**".
    [GeneratedRegex(@"(?<lead>^[ \t>*_]*(?:#{1,6}[ \t]*)?)(?<role>system|assistant|assistent|developer|user|human|ki|ai|instruction|instructions|response|anweisung|systemprompt|system[ \t]prompt)(?=[ \t]*\**[ \t]*:)[ \t]*\**[ \t]*:", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex RoleMarkerRegex();

    // Any of our fence tags, opening or closing, tolerant of case and white space ("< /QUELLE >").
    [GeneratedRegex(@"<\s*/?\s*quellen?(?![\p{L}\p{N}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FenceStartRegex();

    // Complete fence tags, to tell our structural fences from others.
    [GeneratedRegex(@"<\s*/?\s*quellen?(?![\p{L}\p{N}])[^<>]*>?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FenceTagRegex();

    [GeneratedRegex(@"^<quelle nr=""(?<nr>\d{1,4})"" titel=""[^""<>]*"" url=""[^""<>]*"">$", RegexOptions.CultureInvariant)]
    private static partial Regex OpeningTagRegex();
}
