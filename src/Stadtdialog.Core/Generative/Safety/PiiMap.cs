using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Stadtdialog.Generative.Safety;

/// <summary>Kinds of personal data that <see cref="PiiRedactor"/> finds.</summary>
public enum PiiKind
{
    Email,
    Phone,
    Iban,
    TaxId,
    TaxNumber,
    IdDocument,
    PaymentCard,
    Address,
    Name,
}

public static class PiiKindExtensions
{
    /// <summary>The label inside the placeholder, e.g. <c>E-MAIL</c> in <c>[E-MAIL_1]</c> (German, models see it).</summary>
    public static string Label(this PiiKind kind) => kind switch
    {
        PiiKind.Email => "E-MAIL",
        PiiKind.Phone => "TELEFON",
        PiiKind.Iban => "IBAN",
        PiiKind.TaxId => "STEUER-ID",
        PiiKind.TaxNumber => "STEUERNUMMER",
        PiiKind.IdDocument => "AUSWEIS",
        PiiKind.PaymentCard => "KARTE",
        PiiKind.Address => "ADRESSE",
        PiiKind.Name => "NAME",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The stable key under which <see cref="TurnPolicy.Redactions"/> counts this kind.</summary>
    public static string Key(this PiiKind kind) => kind switch
    {
        PiiKind.Email => "email",
        PiiKind.Phone => "phone",
        PiiKind.Iban => "iban",
        PiiKind.TaxId => "tax-id",
        PiiKind.TaxNumber => "tax-number",
        PiiKind.IdDocument => "id-document",
        PiiKind.PaymentCard => "payment-card",
        PiiKind.Address => "address",
        PiiKind.Name => "name",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>One item of personal data found in a text.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Index">Start in the scanned text.</param>
/// <param name="Length">Length in the scanned text.</param>
/// <param name="Value">The text as written.</param>
public sealed record PiiMatch(PiiKind Kind, int Index, int Length, string Value);

/// <summary>A redacted text and what was replaced in it.</summary>
/// <param name="Text">The text with placeholders.</param>
/// <param name="Matches">The replaced items (positions refer to the original text), in text order.</param>
public sealed record RedactionResult(string Text, IReadOnlyList<PiiMatch> Matches);

/// <summary>One placeholder of a <see cref="PiiMap"/>.</summary>
public sealed record PiiMapEntry(PiiKind Kind, string Placeholder, string Value);

/// <summary>
/// The placeholders of one model call: the same value gets the same placeholder in every message
/// (<c>[E-MAIL_1]</c>, <c>[TELEFON_2]</c>, …), and answers can be restored to the original values.
/// One map per call; not thread-safe.
/// </summary>
public sealed partial class PiiMap
{
    private readonly Dictionary<(PiiKind Kind, string Key), PiiMapEntry> _byValue = [];
    private readonly Dictionary<string, PiiMapEntry> _byPlaceholder = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<PiiKind, int> _counters = [];
    private readonly List<PiiMapEntry> _entries = [];

    /// <summary>Placeholders in the order they were assigned.</summary>
    public IReadOnlyList<PiiMapEntry> Entries => _entries;

    public int Count => _entries.Count;

    /// <summary>The placeholder of <paramref name="value"/>, assigning the next free one on first sight.</summary>
    public string GetOrAddPlaceholder(PiiKind kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = (kind, NormalizeValue(kind, value));
        if (_byValue.TryGetValue(key, out var existing))
        {
            return existing.Placeholder;
        }

        var number = _counters.GetValueOrDefault(kind) + 1;
        _counters[kind] = number;
        var placeholder = string.Create(CultureInfo.InvariantCulture, $"[{kind.Label()}_{number}]");
        var entry = new PiiMapEntry(kind, placeholder, value);
        _byValue[key] = entry;
        _byPlaceholder[placeholder] = entry;
        _entries.Add(entry);
        return placeholder;
    }

    /// <summary>The original value behind a placeholder such as <c>[E-MAIL_1]</c> (case-insensitive).</summary>
    public bool TryGetValue(string placeholder, [NotNullWhen(true)] out string? value)
    {
        if (_byPlaceholder.TryGetValue(placeholder, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Replaces every placeholder of this map in <paramref name="text"/> by its original value.</summary>
    public string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_entries.Count == 0 || !text.Contains('[', StringComparison.Ordinal))
        {
            return text;
        }

        return PlaceholderRegex().Replace(text, m => TryGetValue(m.Value, out var value) ? value : m.Value);
    }

    /// <summary>
    /// Whether <paramref name="tail"/> (starting with <c>[</c>, without <c>]</c>) could still grow into one of this
    /// map's placeholders; a stream holds such a tail back until it is complete.
    /// </summary>
    internal bool CouldBePlaceholderPrefix(ReadOnlySpan<char> tail)
    {
        foreach (var entry in _entries)
        {
            if (tail.Length < entry.Placeholder.Length
                && entry.Placeholder.AsSpan().StartsWith(tail, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The values of the given kind seen so far (names and addresses are found again without their cue).</summary>
    internal IEnumerable<PiiMapEntry> EntriesOf(PiiKind kind) => _entries.Where(e => e.Kind == kind);

    /// <summary>Two spellings of one value share a placeholder (e-mail case, phone and IBAN spacing, +49/0).</summary>
    private static string NormalizeValue(PiiKind kind, string value)
    {
        switch (kind)
        {
            case PiiKind.Email:
                return value.ToUpperInvariant();
            case PiiKind.Phone:
                var digits = Digits(value.Replace("(0)", string.Empty, StringComparison.Ordinal));
                var trimmed = value.TrimStart();
                if (trimmed.StartsWith('+'))
                {
                    digits = "00" + digits;
                }

                return digits.StartsWith("0049", StringComparison.Ordinal) ? "0" + digits[4..] : digits;
            case PiiKind.Iban:
            case PiiKind.IdDocument:
                return new string([.. value.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant)]);
            case PiiKind.TaxId:
            case PiiKind.TaxNumber:
            case PiiKind.PaymentCard:
                return Digits(value);
            default:
                return WhitespaceRegex().Replace(value.Trim(), " ");
        }
    }

    private static string Digits(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\[[A-Z][A-Z\-]*_\d{1,6}\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}

/// <summary>
/// Restores placeholders in streamed text: a trailing piece that could still become a placeholder
/// (e.g. <c>[E-MA</c>) is held back until the next chunk or the end, so no half placeholder is ever emitted.
/// </summary>
internal sealed class PlaceholderStreamRestorer(PiiMap map)
{
    private string _pending = string.Empty;

    /// <summary>Takes the next chunk and returns the text that can be emitted now (restored).</summary>
    public string Push(string chunk)
    {
        var text = _pending + chunk;
        _pending = string.Empty;
        var open = text.LastIndexOf('[');
        if (open >= 0 && text.IndexOf(']', open) < 0 && map.CouldBePlaceholderPrefix(text.AsSpan(open)))
        {
            _pending = text[open..];
            text = text[..open];
        }

        return map.Restore(text);
    }

    /// <summary>Whatever is still held back, at the end of the stream.</summary>
    public string Flush()
    {
        var rest = _pending;
        _pending = string.Empty;
        return map.Restore(rest);
    }
}
