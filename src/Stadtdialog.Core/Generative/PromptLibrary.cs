using System.Collections.Concurrent;
using System.Text;

namespace Stadtdialog.Generative;

/// <summary>
/// Prompts are versioned resources (<c>Generative/Prompts/&lt;name&gt;.v&lt;n&gt;.md</c>), not string literals in
/// code: a change is a new file, and the version used is stored with the answer's telemetry.
/// </summary>
public static class PromptLibrary
{
    public const string Answer = "answer.v1";
    public const string PlainLanguageRule = "plain-language-rule.v1";
    public const string RewritePlain = "rewrite-plain.v1";
    public const string TranslateQuery = "translate-query.v1";
    public const string ChooseDataTool = "choose-data-tool.v1";

    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The prompt's text.</summary>
    public static string Get(string name) => Cache.GetOrAdd(name, Load);

    /// <summary>The prompt with <c>{{key}}</c> placeholders replaced; unknown placeholders are an error.</summary>
    public static string Render(string name, IReadOnlyDictionary<string, string> values)
    {
        var template = Get(name);
        var result = new StringBuilder(template.Length + 256);
        var position = 0;
        while (true)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                result.Append(template, position, template.Length - position);
                return result.ToString().Trim();
            }

            var close = template.IndexOf("}}", open, StringComparison.Ordinal);
            var key = template[(open + 2)..close];
            result.Append(template, position, open - position);
            result.Append(values.TryGetValue(key, out var value)
                ? value
                : throw new KeyNotFoundException($"Prompt '{name}' needs a value for '{key}'."));
            position = close + 2;
        }
    }

    private static string Load(string name)
    {
        var assembly = typeof(PromptLibrary).Assembly;
        var resource = $"Stadtdialog.Generative.Prompts.{name}.md";
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new KeyNotFoundException($"There is no prompt '{name}'.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
