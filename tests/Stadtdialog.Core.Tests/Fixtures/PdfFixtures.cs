using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts;
using UglyToad.PdfPig.Fonts.AdobeFontMetrics;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Graphics.Operations.TextPositioning;
using UglyToad.PdfPig.Graphics.Operations.TextShowing;
using UglyToad.PdfPig.Writer;

namespace Stadtdialog.Core.Tests;

/// <summary>
/// Builds real PDF files for tests with PdfPig's <see cref="PdfDocumentBuilder"/>: A4 pages laid out top to bottom
/// from a <see cref="PdfPageSpec"/> (headings, wrapped paragraphs, lists, tables, two-column sections), in the
/// standard fonts Helvetica and Helvetica-Bold. Also makes the broken files a reader has to reject: image-only
/// (scanned) pages, truncated files, garbage bytes and password-protected files.
/// </summary>
/// <remarks>
/// PdfPig 0.1.16 writes standard fonts with <c>/StandardEncoding</c>, which has no umlauts (<c>AddText("ü")</c>
/// throws). The builder therefore lets PdfPig lay out a same-length ASCII stand-in, replaces the text bytes of the
/// generated <c>Tj</c> operations with the Windows-1252 bytes of the real text and declares the fonts as
/// <c>/WinAnsiEncoding</c> (patched in place: same length, so the cross-reference offsets stay valid). Widths for
/// wrapping come from the fonts' Adobe metrics, so a reader sees the glyphs exactly where a viewer draws them.
/// </remarks>
public static class PdfFixtures
{
    public const double PageWidth = 595;
    public const double PageHeight = 842;
    public const double MarginLeft = 72;
    public const double ContentWidth = PageWidth - 2 * MarginLeft;

    /// <summary>Baseline of the running header (<see cref="PdfDocumentSpec.RunningHeader"/>).</summary>
    public const double HeaderBaseline = 806;

    /// <summary>Baseline of the running footer (<see cref="PdfDocumentSpec.RunningFooter"/>).</summary>
    public const double FooterBaseline = 40;

    /// <summary>Top of the content area: the first line of a page hangs below it.</summary>
    public const double ContentTop = 775;

    public const double BodySize = 10;

    /// <summary>A PDF with the given pages and no metadata besides PdfPig's producer entry.</summary>
    public static byte[] Build(params PdfPageSpec[] pages) => Build(new PdfDocumentSpec(), pages);

    /// <summary>A PDF with the given pages, metadata and running header/footer.</summary>
    public static byte[] Build(PdfDocumentSpec document, params PdfPageSpec[] pages)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(pages);
        using var builder = new PdfDocumentBuilder();
        if (document.Title is not null)
        {
            builder.DocumentInformation.Title = document.Title;
        }

        if (document.Modified is { } modified)
        {
            builder.DocumentInformation.ModifiedDate = PdfDate(modified);
        }

        if (document.Created is { } created)
        {
            builder.DocumentInformation.CreationDate = PdfDate(created);
        }

        var fonts = new Fonts(
            builder.AddStandard14Font(Standard14Font.Helvetica),
            builder.AddStandard14Font(Standard14Font.HelveticaBold));

        for (var index = 0; index < pages.Length; index++)
        {
            var page = builder.AddPage(PageWidth, PageHeight);
            var canvas = new Canvas(page, fonts);
            if (document.RunningHeader is { } header)
            {
                canvas.Draw(Expand(header, index + 1, pages.Length), MarginLeft, HeaderBaseline, 8, bold: false);
            }

            if (document.RunningFooter is { } footer)
            {
                canvas.Draw(Expand(footer, index + 1, pages.Length), MarginLeft, FooterBaseline, 8, bold: false);
            }

            pages[index].Render(canvas);
        }

        return DeclareWinAnsi(builder.Build());
    }

    /// <summary>
    /// A scanned document: every page holds an image and a drawn frame, but no text at all.
    /// </summary>
    public static byte[] ImageOnly(int pages = 1)
    {
        using var builder = new PdfDocumentBuilder();
        var png = Convert.FromBase64String(OnePixelPng);
        for (var i = 0; i < pages; i++)
        {
            var page = builder.AddPage(PageWidth, PageHeight);
            page.DrawRectangle(new PdfPoint(MarginLeft, 100), ContentWidth, 650, 1, fill: false);
            page.AddPng(png, new PdfRectangle(MarginLeft + 10, 110, PageWidth - MarginLeft - 10, 740));
        }

        return builder.Build();
    }

    /// <summary>The first half of a file, as left by an interrupted download.</summary>
    public static byte[] Truncated(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        return pdf[..(pdf.Length / 2)];
    }

    /// <summary>Deterministic pseudo-random bytes (no PDF header, no structure).</summary>
    public static byte[] Garbage(int length = 4096, int seed = 1)
    {
        var bytes = new byte[length];
        var state = (uint)seed * 2654435761u + 1;
        for (var i = 0; i < length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            bytes[i] = (byte)state;
        }

        return bytes;
    }

    /// <summary>
    /// A copy of <paramref name="pdf"/> with <paramref name="count"/> bytes in the middle overwritten by garbage
    /// (a damaged file that still has its header and end marker).
    /// </summary>
    public static byte[] Corrupted(byte[] pdf, int seed, int count = 64)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var copy = (byte[])pdf.Clone();
        var noise = Garbage(count * 2, seed);
        for (var i = 0; i < count; i++)
        {
            var position = 16 + (int)((noise[2 * i] << 8 | noise[2 * i + 1]) % (uint)Math.Max(1, copy.Length - 64));
            copy[position] = noise[(i + 7) % noise.Length];
        }

        return copy;
    }

    /// <summary>
    /// A one-page PDF encrypted with the PDF standard security handler (RC4, 40 bit, revision 2) that shows
    /// <paramref name="text"/> in Helvetica. With an empty <paramref name="userPassword"/> anyone may open it
    /// (only the owner password restricts editing); otherwise opening it needs the user password.
    /// </summary>
    /// <remarks>
    /// PdfPig cannot write encrypted files, so this one is written by hand. The standard security handler of
    /// revision 2 is defined with MD5 and RC4 (ISO 32000-1, 7.6.3); both are required by the file format here,
    /// not used for security.
    /// </remarks>
    public static byte[] Encrypted(string text, string userPassword, string ownerPassword = "owner")
    {
        ArgumentNullException.ThrowIfNull(text);
        var fileId = Garbage(16, 42);
        const int permissions = -3904; // print and copy allowed, editing not
        var owner = Rc4(Md5(Pad(ownerPassword))[..5], Pad(userPassword));
        var key = Md5([.. Pad(userPassword), .. owner, .. BitConverter.GetBytes(permissions), .. fileId])[..5];
        var user = Rc4(key, Pad(""));

        var content = Concat(Encoding.ASCII.GetBytes("BT /F1 12 Tf 72 760 Td ("), EscapeLiteral(WinAnsi(text)), Encoding.ASCII.GetBytes(") Tj ET"));
        var encryptedContent = Rc4(ObjectKey(key, 5), content);

        var objects = new List<byte[]>
        {
            Encoding.ASCII.GetBytes("<< /Type /Catalog /Pages 2 0 R >>"),
            Encoding.ASCII.GetBytes("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Encoding.ASCII.GetBytes("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
            Encoding.ASCII.GetBytes("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
            Concat(Encoding.ASCII.GetBytes($"<< /Length {encryptedContent.Length} >>\nstream\n"), encryptedContent, Encoding.ASCII.GetBytes("\nendstream")),
            Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <{Convert.ToHexString(owner)}> /U <{Convert.ToHexString(user)}> /P {permissions} >>")),
        };

        using var output = new MemoryStream();
        Write(output, "%PDF-1.4\n%\u00E2\u00E3\u00CF\u00D3\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(output.Position);
            Write(output, $"{i + 1} 0 obj\n");
            output.Write(objects[i]);
            Write(output, "\nendobj\n");
        }

        var xref = output.Position;
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            table.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        var id = Convert.ToHexString(fileId);
        table.Append(CultureInfo.InvariantCulture,
            $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n");
        Write(output, table.ToString());
        return output.ToArray();
    }

    /// <summary>Replaces <c>{page}</c> and <c>{pages}</c> in a running header or footer.</summary>
    public static string Expand(string template, int page, int pages) =>
        template.Replace("{page}", page.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{pages}", pages.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The width of <paramref name="text"/> in points, from the standard font's Adobe metrics.</summary>
    public static double Measure(string text, double size, bool bold = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var metrics = bold ? BoldMetrics : RegularMetrics;
        var width = 0.0;
        foreach (var c in text)
        {
            var name = GlyphList.AdobeGlyphList.UnicodeCodePointToName(c);
            width += metrics.CharacterMetrics.TryGetValue(name, out var metric) ? metric.Width.X : 500;
        }

        return width * size / 1000;
    }

    /// <summary>Greedy line breaking at spaces so that every line fits <paramref name="width"/>.</summary>
    public static IReadOnlyList<string> Wrap(string text, double width, double size, bool bold = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && Measure(line + " " + word, size, bold) > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }

    private static readonly AdobeFontMetrics RegularMetrics = Standard14.GetAdobeFontMetrics(Standard14Font.Helvetica);
    private static readonly AdobeFontMetrics BoldMetrics = Standard14.GetAdobeFontMetrics(Standard14Font.HelveticaBold);

    // A valid 1×1 grey PNG: the "scan".
    private const string OnePixelPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";

    private static string PdfDate(DateTimeOffset value)
    {
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return string.Create(CultureInfo.InvariantCulture,
            $"D:{value:yyyyMMddHHmmss}{sign}{Math.Abs(offset.Hours):D2}'{Math.Abs(offset.Minutes):D2}'");
    }

    private static byte[] DeclareWinAnsi(byte[] pdf)
    {
        // "/StandardEncoding" and "/WinAnsiEncoding " have the same length: object offsets do not move.
        var from = "/StandardEncoding"u8;
        var to = "/WinAnsiEncoding "u8;
        var span = pdf.AsSpan();
        var start = 0;
        int found;
        while ((found = span[start..].IndexOf(from)) >= 0)
        {
            to.CopyTo(span[(start + found)..]);
            start += found + from.Length;
        }

        return pdf;
    }

    /// <summary>Windows-1252 (PDF's WinAnsiEncoding) bytes of <paramref name="text"/>.</summary>
    internal static byte[] WinAnsi(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            bytes[i] = c switch
            {
                '€' => 0x80,
                '‚' => 0x82,
                '„' => 0x84,
                '…' => 0x85,
                '‘' => 0x91,
                '’' => 0x92,
                '“' => 0x93,
                '”' => 0x94,
                '•' => 0x95,
                '–' => 0x96,
                '—' => 0x97,
                _ when c < 0x80 || (c >= 0xA0 && c <= 0xFF) => (byte)c,
                _ => throw new ArgumentException($"'{c}' has no WinAnsi code; use another character in the fixture.", nameof(text)),
            };
        }

        return bytes;
    }

    private static byte[] EscapeLiteral(byte[] text)
    {
        var escaped = new List<byte>(text.Length + 8);
        foreach (var b in text)
        {
            if (b is (byte)'(' or (byte)')' or (byte)'\\')
            {
                escaped.Add((byte)'\\');
            }

            escaped.Add(b);
        }

        return [.. escaped];
    }

    private static byte[] Pad(string password)
    {
        ReadOnlySpan<byte> padding =
        [
            0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
            0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
        ];
        var bytes = WinAnsi(password);
        var padded = new byte[32];
        var length = Math.Min(32, bytes.Length);
        bytes.AsSpan(0, length).CopyTo(padded);
        padding[..(32 - length)].CopyTo(padded.AsSpan(length));
        return padded;
    }

    private static byte[] ObjectKey(byte[] fileKey, int objectNumber)
    {
        byte[] material = [.. fileKey, (byte)objectNumber, (byte)(objectNumber >> 8), (byte)(objectNumber >> 16), 0, 0];
        return Md5(material)[..Math.Min(fileKey.Length + 5, 16)];
    }

    private static byte[] Md5(byte[] data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }

    private static byte[] Rc4(byte[] key, byte[] data)
    {
        var s = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            s[i] = (byte)i;
        }

        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + s[i] + key[i % key.Length]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
        }

        var output = new byte[data.Length];
        for (int n = 0, i = 0, j = 0; n < data.Length; n++)
        {
            i = (i + 1) & 0xFF;
            j = (j + s[i]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
            output[n] = (byte)(data[n] ^ s[(s[i] + s[j]) & 0xFF]);
        }

        return output;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static void Write(Stream stream, string text) => stream.Write(Encoding.Latin1.GetBytes(text));

    internal sealed record Fonts(PdfDocumentBuilder.AddedFont Regular, PdfDocumentBuilder.AddedFont Bold);

    /// <summary>Draws text with real Windows-1252 bytes on a PdfPig page (see the class remarks).</summary>
    internal sealed class Canvas(PdfPageBuilder page, Fonts fonts)
    {
        public PdfPageBuilder Page { get; } = page;

        public void Draw(string text, double x, double baseline, double size, bool bold, double degrees = 0)
        {
            var operations = Page.CurrentStream.Operations;
            var before = operations.Count;
            // PdfPig only accepts characters of StandardEncoding; any ASCII stand-in does, the bytes are replaced below.
            var standIn = new string([.. text.Select(c => c < 0x80 ? c : 'x')]);
            Page.AddText(standIn, size, new PdfPoint(x, baseline), bold ? fonts.Bold : fonts.Regular);

            var first = -1;
            for (var i = operations.Count - 1; i >= before; i--)
            {
                if (operations[i] is ShowText or ShowTextsWithPositioning)
                {
                    if (first >= 0)
                    {
                        operations.RemoveAt(first);
                    }

                    first = i;
                }
                else if (degrees != 0 && operations[i] is MoveToNextLineWithOffset)
                {
                    var radians = degrees * Math.PI / 180;
                    var (sin, cos) = Math.SinCos(radians);
                    operations[i] = new SetTextMatrix([cos, sin, -sin, cos, x, baseline]);
                }
            }

            if (first >= 0)
            {
                operations[first] = new ShowText(WinAnsi(text));
            }
        }

        public void Rectangle(double x, double y, double width, double height) =>
            Page.DrawRectangle(new PdfPoint(x, y), width, height, 1, fill: false);
    }
}

/// <summary>Metadata and running header/footer of a fixture PDF; <c>{page}</c> and <c>{pages}</c> are replaced.</summary>
public sealed record PdfDocumentSpec
{
    public string? Title { get; init; }

    public DateTimeOffset? Modified { get; init; }

    public DateTimeOffset? Created { get; init; }

    /// <summary>A line at the top of every page (size 8), e.g. "Stadt Musterstadt – Gebührenordnung".</summary>
    public string? RunningHeader { get; init; }

    /// <summary>A line at the bottom of every page (size 8), e.g. "Seite {page} von {pages}".</summary>
    public string? RunningFooter { get; init; }
}

/// <summary>
/// One A4 page, laid out from the top of the content area downwards in the order of the calls. Body text is
/// Helvetica 10 pt; headings are Helvetica-Bold. Every method returns the same spec for chaining.
/// </summary>
public sealed class PdfPageSpec
{
    private readonly List<Action<PdfFixtures.Canvas, Cursor>> _steps = [];

    private sealed class Cursor
    {
        public double Top { get; set; } = PdfFixtures.ContentTop;
    }

    /// <summary>A heading line in Helvetica-Bold of the given size (18 = document title, 14 = section, 12 = subsection).</summary>
    public PdfPageSpec Heading(string text, double size = 18) => Add((canvas, cursor) =>
    {
        cursor.Top -= size * 0.4;
        DrawLine(canvas, cursor, text, PdfFixtures.MarginLeft, size, bold: true);
        cursor.Top -= size * 0.4;
    });

    /// <summary>A bold line in body size (e.g. "§ 2 Gebührenpflicht").</summary>
    public PdfPageSpec BoldLine(string text, double size = PdfFixtures.BodySize) => Add((canvas, cursor) =>
    {
        cursor.Top -= size * 0.5;
        DrawLine(canvas, cursor, text, PdfFixtures.MarginLeft, size, bold: true);
    });

    /// <summary>A paragraph wrapped to the content width.</summary>
    public PdfPageSpec Paragraph(string text, double size = PdfFixtures.BodySize) =>
        Lines(size, [.. PdfFixtures.Wrap(text, PdfFixtures.ContentWidth, size)]);

    /// <summary>A paragraph made of exactly these lines (e.g. to end a line with a hyphenated word part).</summary>
    public PdfPageSpec Lines(params string[] lines) => Lines(PdfFixtures.BodySize, lines);

    /// <summary>A paragraph made of exactly these lines in the given size.</summary>
    public PdfPageSpec Lines(double size, params string[] lines) => Add((canvas, cursor) =>
    {
        foreach (var line in lines)
        {
            DrawLine(canvas, cursor, line, PdfFixtures.MarginLeft, size, bold: false);
        }

        cursor.Top -= size * 0.6;
    });

    /// <summary>A bulleted list ("• item"); long items wrap with a hanging indent.</summary>
    public PdfPageSpec List(params string[] items) => ListWith(i => "•", items);

    /// <summary>A numbered list ("1. item").</summary>
    public PdfPageSpec NumberedList(params string[] items) =>
        ListWith(i => (i + 1).ToString(CultureInfo.InvariantCulture) + ".", items);

    /// <summary>
    /// A table: the header in bold, then the rows, each cell starting at its column's x position (default: the
    /// content width divided evenly). A cell is not wrapped automatically; a "\n" in it starts a second line.
    /// </summary>
    public PdfPageSpec Table(string[] header, params string[][] rows) =>
        TableAt(EvenColumns(header.Length), header, rows);

    /// <summary>A table with explicit column x positions.</summary>
    public PdfPageSpec TableAt(double[] columnX, string[] header, params string[][] rows) => Add((canvas, cursor) =>
    {
        const double size = PdfFixtures.BodySize;
        cursor.Top -= size * 0.5;
        var baseline = cursor.Top - size;
        foreach (var (row, index) in rows.Prepend(header).Select((r, i) => (r, i)))
        {
            var lines = 1;
            for (var column = 0; column < row.Length && column < columnX.Length; column++)
            {
                var cellLines = row[column].Split('\n');
                for (var line = 0; line < cellLines.Length; line++)
                {
                    canvas.Draw(cellLines[line], columnX[column], baseline - line * size * 1.2, size, bold: index == 0);
                }

                lines = Math.Max(lines, cellLines.Length);
            }

            baseline -= (lines - 1) * size * 1.2 + size * 1.6;
        }

        cursor.Top = baseline + size * 0.4;
    });

    /// <summary>Two columns of running text side by side (each wrapped to half the content width).</summary>
    public PdfPageSpec Columns(string left, string right, double size = PdfFixtures.BodySize) => Add((canvas, cursor) =>
    {
        const double gutter = 24;
        var width = (PdfFixtures.ContentWidth - gutter) / 2;
        var leftLines = PdfFixtures.Wrap(left, width, size);
        var rightLines = PdfFixtures.Wrap(right, width, size);
        var top = cursor.Top;
        foreach (var line in leftLines)
        {
            DrawLine(canvas, cursor, line, PdfFixtures.MarginLeft, size, bold: false);
        }

        var bottom = cursor.Top;
        cursor.Top = top;
        foreach (var line in rightLines)
        {
            DrawLine(canvas, cursor, line, PdfFixtures.MarginLeft + width + gutter, size, bold: false);
        }

        cursor.Top = Math.Min(bottom, cursor.Top) - size * 0.6;
    });

    /// <summary>Text at an absolute position; the layout cursor does not move.</summary>
    public PdfPageSpec TextAt(string text, double x, double baseline, double size = PdfFixtures.BodySize, bool bold = false) =>
        Add((canvas, _) => canvas.Draw(text, x, baseline, size, bold));

    /// <summary>
    /// Text at an absolute position, turned counter-clockwise by <paramref name="degrees"/> (90: running upwards,
    /// like a note in the margin); the layout cursor does not move.
    /// </summary>
    public PdfPageSpec RotatedTextAt(string text, double x, double baseline, double degrees, double size = PdfFixtures.BodySize) =>
        Add((canvas, _) => canvas.Draw(text, x, baseline, size, bold: false, degrees));

    /// <summary>A drawn frame at an absolute position (no text).</summary>
    public PdfPageSpec Rectangle(double x, double y, double width, double height) =>
        Add((canvas, _) => canvas.Rectangle(x, y, width, height));

    /// <summary>Vertical space in points.</summary>
    public PdfPageSpec Space(double points) => Add((_, cursor) => cursor.Top -= points);

    internal void Render(PdfFixtures.Canvas canvas)
    {
        var cursor = new Cursor();
        foreach (var step in _steps)
        {
            step(canvas, cursor);
        }
    }

    private PdfPageSpec ListWith(Func<int, string> marker, string[] items) => Add((canvas, cursor) =>
    {
        const double size = PdfFixtures.BodySize;
        for (var i = 0; i < items.Length; i++)
        {
            var label = marker(i) + " ";
            var indent = PdfFixtures.Measure(label, size);
            var lines = PdfFixtures.Wrap(items[i], PdfFixtures.ContentWidth - indent, size);
            for (var l = 0; l < lines.Count; l++)
            {
                if (l == 0)
                {
                    DrawLine(canvas, cursor, label + lines[0], PdfFixtures.MarginLeft, size, bold: false);
                }
                else
                {
                    DrawLine(canvas, cursor, lines[l], PdfFixtures.MarginLeft + indent, size, bold: false);
                }
            }
        }

        cursor.Top -= size * 0.6;
    });

    private static double[] EvenColumns(int count) =>
        [.. Enumerable.Range(0, count).Select(i => PdfFixtures.MarginLeft + i * PdfFixtures.ContentWidth / count)];

    private static void DrawLine(PdfFixtures.Canvas canvas, Cursor cursor, string text, double x, double size, bool bold)
    {
        var baseline = cursor.Top - size;
        canvas.Draw(text, x, baseline, size, bold);
        cursor.Top = baseline - size * 0.3;
    }

    private PdfPageSpec Add(Action<PdfFixtures.Canvas, Cursor> step)
    {
        _steps.Add(step);
        return this;
    }
}
