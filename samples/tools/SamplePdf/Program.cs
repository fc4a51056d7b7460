using System.Text.Json;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

// dotnet run --project samples/tools/SamplePdf -- samples/musterstadt/files-src/gebuehrenordnung.json samples/musterstadt/files/gebuehrenordnung.pdf
// Layout like an administrative PDF: A4, Liberation Sans (fonts-liberation), larger bold headings, fee table in aligned columns, a running
// footer with the page number (which readers must drop), one JSON "page" per PDF page.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: SamplePdf <source.json> <target.pdf>");
    return 2;
}

using var json = JsonDocument.Parse(File.ReadAllText(args[0]));
var builder = new PdfDocumentBuilder();
builder.DocumentInformation.Title = json.RootElement.GetProperty("title").GetString();
builder.DocumentInformation.Producer = "Stadtdialog sample generator (PdfPig)";
// An embedded TrueType font (umlauts and § need more than PdfPig's standard-font encoding offers).
const string Fonts = "/usr/share/fonts/truetype/liberation";
var regular = builder.AddTrueTypeFont(File.ReadAllBytes(Path.Combine(Fonts, "LiberationSans-Regular.ttf")));
var bold = builder.AddTrueTypeFont(File.ReadAllBytes(Path.Combine(Fonts, "LiberationSans-Bold.ttf")));
const double Left = 70, Right = 525, Bottom = 80;
var pageNumber = 0;
var pageCount = json.RootElement.GetProperty("pages").GetArrayLength();
foreach (var pageJson in json.RootElement.GetProperty("pages").EnumerateArray())
{
    pageNumber++;
    var page = builder.AddPage(PageSize.A4);
    var y = 770.0;
    page.AddText("Stadt Musterstadt – Verwaltungsgebührensatzung", 8, new PdfPoint(Left, 810), regular);
    page.AddText($"Seite {pageNumber} von {pageCount}", 8, new PdfPoint(Left, 40), regular);
    foreach (var block in pageJson.GetProperty("blocks").EnumerateArray())
    {
        if (block.TryGetProperty("heading", out var heading))
        {
            var level = block.TryGetProperty("level", out var l) ? l.GetInt32() : 2;
            var size = level == 1 ? 16 : 12.5;
            y -= level == 1 ? 0 : 10;
            foreach (var line in Wrap(heading.GetString()!, level == 1 ? 55 : 75))
            {
                page.AddText(line, size, new PdfPoint(Left, y), bold);
                y -= size * 1.4;
            }

            y -= 4;
        }
        else if (block.TryGetProperty("paragraph", out var paragraph))
        {
            foreach (var line in Wrap(paragraph.GetString()!, 95))
            {
                page.AddText(line, 10, new PdfPoint(Left, y), regular);
                y -= 14;
            }

            y -= 6;
        }
        else if (block.TryGetProperty("list", out var list))
        {
            foreach (var item in list.EnumerateArray())
            {
                var first = true;
                foreach (var line in Wrap(item.GetString()!, 88))
                {
                    page.AddText(first ? "•" : "", 10, new PdfPoint(Left, y), regular);
                    page.AddText(line, 10, new PdfPoint(Left + 14, y), regular);
                    first = false;
                    y -= 14;
                }
            }

            y -= 6;
        }
        else if (block.TryGetProperty("table", out var table))
        {
            var header = table.GetProperty("header").EnumerateArray().Select(c => c.GetString()!).ToArray();
            double[] columns = header.Length == 2 ? [Left, Left + 285] : [.. Enumerable.Range(0, header.Length).Select(i => Left + (i * (Right - Left) / header.Length))];
            Row(header, bold);
            foreach (var row in table.GetProperty("rows").EnumerateArray())
            {
                Row([.. row.EnumerateArray().Select(c => c.GetString() ?? "")], regular);
            }

            y -= 6;

            void Row(string[] cells, PdfDocumentBuilder.AddedFont font)
            {
                for (var c = 0; c < cells.Length && c < columns.Length; c++)
                {
                    page.AddText(cells[c], 8.5, new PdfPoint(columns[c], y), font);
                }

                y -= 13;
            }
        }

        if (y < Bottom)
        {
            Console.Error.WriteLine($"warning: page {pageNumber} overflows");
        }
    }
}

File.WriteAllBytes(args[1], builder.Build());
Console.WriteLine($"wrote {args[1]} ({pageNumber} pages)");
return 0;

static IEnumerable<string> Wrap(string text, int width)
{
    var line = "";
    foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
    {
        if (line.Length > 0 && line.Length + 1 + word.Length > width)
        {
            yield return line;
            line = word;
        }
        else
        {
            line = line.Length == 0 ? word : line + " " + word;
        }
    }

    if (line.Length > 0)
    {
        yield return line;
    }
}
