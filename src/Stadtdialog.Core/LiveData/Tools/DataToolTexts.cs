using System.Collections.Concurrent;
using System.Globalization;
using Fluid;

namespace Stadtdialog.LiveData.Tools;

/// <summary>
/// Renders a tool's answer from its Liquid template (Fluid: sandboxed, no file or code access) and adds what a
/// template must never leave out: the time of each value, and a warning on outdated values.
/// </summary>
public sealed class DataToolTexts
{
    public const string DefaultLatestTemplate =
        "{{ name }}{% if property %} – {{ property }}{% endif %}: {{ value }}{% if unit %} {{ unit }}{% endif %}{% if capacity %} von {{ capacity }}{% endif %} (Stand: {{ time }} Uhr)";

    public const string DefaultSeriesTemplate =
        "{{ name }}{% if property %} – {{ property }}{% endif %} in den letzten {{ hours }} Stunden: zwischen {{ min }} und {{ max }}{% if unit %} {{ unit }}{% endif %}, zuletzt {{ latest }}{% if unit %} {{ unit }}{% endif %} ({{ time }} Uhr).";

    public const string DefaultEventTemplate =
        "{{ title }} – {{ day }}{% if start %}, {{ start }} Uhr{% endif %}{% if location %}, {{ location }}{% endif %}";

    public const string DefaultDatasetTemplate =
        "Der Datensatz „{{ dataset }}“ enthält {{ count }} Einträge.";

    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new() { CultureInfo = German };
    private readonly ConcurrentDictionary<string, IFluidTemplate> _templates = new(StringComparer.Ordinal);

    public static string DefaultTemplate(DataToolKind kind) => kind switch
    {
        DataToolKind.Series => DefaultSeriesTemplate,
        DataToolKind.Events => DefaultEventTemplate,
        DataToolKind.Dataset => DefaultDatasetTemplate,
        _ => DefaultLatestTemplate,
    };

    /// <summary>Null when <paramref name="template"/> is valid Liquid, else the parser's message (for editors).</summary>
    public static string? Validate(string? template) =>
        string.IsNullOrWhiteSpace(template) || Parser.TryParse(template, out _, out var error) ? null : error;

    /// <summary>Renders <paramref name="template"/> (or the kind's default) with <paramref name="values"/>.</summary>
    public string Render(DataTool tool, IReadOnlyDictionary<string, object?> values)
    {
        var source = string.IsNullOrWhiteSpace(tool.AnswerTemplate) ? DefaultTemplate(tool.Kind) : tool.AnswerTemplate;
        var template = _templates.GetOrAdd(source, static s => Parser.TryParse(s, out var parsed, out var error)
            ? parsed
            : throw new InvalidOperationException($"The answer template is not valid Liquid: {error}"));
        var context = new TemplateContext(Options);
        foreach (var (key, value) in values)
        {
            if (value is not null)
            {
                context.SetValue(key, value);
            }
        }

        return Collapse(template.Render(context));
    }

    /// <summary>A number as citizens read it: German separators, at most one decimal, no trailing zero.</summary>
    public static string Number(double value) =>
        Math.Abs(value - Math.Round(value)) < 0.05
            ? Math.Round(value).ToString("#,0", German)
            : value.ToString("#,0.0", German);

    public static string Time(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("HH:mm", German);

    public static string Date(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("dd.MM.yyyy", German);

    /// <summary>"Mo., 23.11." style day label.</summary>
    public static string Day(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("ddd'.', dd.MM.", German);

    /// <summary>
    /// The text with the value's time guaranteed: when the template did not show the time (or the value is not from
    /// today, and the date is missing), "(Stand: …)" is added; outdated values get a warning.
    /// </summary>
    public static string WithTime(string text, LiveValue value, DateTimeOffset now, TimeZoneInfo zone, int staleAfterMinutes)
    {
        if (value.Time is not { } at)
        {
            return text + " (Die Datenplattform nennt keinen Messzeitpunkt; der Wert ist möglicherweise nicht aktuell.)";
        }

        var time = Time(at, zone);
        var date = Date(at, zone);
        var today = Date(now, zone) == date;
        if (!text.Contains(time, StringComparison.Ordinal))
        {
            text += today ? $" (Stand: {time} Uhr)" : $" (Stand: {date}, {time} Uhr)";
        }
        else if (!today && !text.Contains(date, StringComparison.Ordinal))
        {
            text += $" (am {date})";
        }

        if (value.Stale)
        {
            text += $" Achtung: Dieser Wert ist älter als {AgeText(staleAfterMinutes)} und möglicherweise nicht mehr aktuell.";
        }

        return text;
    }

    internal static string AgeText(int minutes) => minutes switch
    {
        < 120 => $"{minutes} Minuten",
        < 2880 => $"{Number(minutes / 60.0)} Stunden",
        _ => $"{Number(minutes / 1440.0)} Tage",
    };

    /// <summary>Template whitespace (line breaks around tags) collapsed to single spaces.</summary>
    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
