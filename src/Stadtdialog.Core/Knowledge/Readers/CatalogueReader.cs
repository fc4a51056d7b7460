using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Stadtdialog.Knowledge.Readers;

/// <summary>One page of a catalogue response; <see cref="TotalCount"/> is set where the API reports it (CKAN).</summary>
public sealed record CataloguePage(IReadOnlyList<ExtractedDocument> Datasets, int? TotalCount);

/// <summary>
/// Reads an open-data catalogue into one document per dataset. Two families of formats are recognised:
/// <list type="bullet">
/// <item>DCAT-AP(.de) as JSON-LD (what piveau hubs and CKAN's DCAT extension serve): a document with
/// <c>@context</c> and <c>@graph</c>, a single node or an array of nodes. Properties may be compact IRIs of any
/// prefix the context declares (plus the usual dcat/dct/foaf/vcard/… prefixes when the context is remote), full
/// IRIs or plain terms; values may be strings, <c>{"@value", "@language"}</c> objects, language maps or arrays of
/// them (German is preferred, then untagged, then English); <c>{"@id"}</c> references are resolved in the graph.</item>
/// <item>CKAN Action API responses (<c>package_search</c>, <c>package_show</c>,
/// <c>current_package_list_with_resources</c>) and piveau hub-search responses, which use the same envelope with
/// language maps (<c>{"de": "…", "en": "…"}</c>) for titles and descriptions.</item>
/// </list>
/// RDF/XML and Turtle are not read.
/// </summary>
public static partial class CatalogueReader
{
    private const int DescriptionLength = 300;

    private const string Dcat = "http://www.w3.org/ns/dcat#";
    private const string Dct = "http://purl.org/dc/terms/";
    private const string Dc = "http://purl.org/dc/elements/1.1/";
    private const string Foaf = "http://xmlns.com/foaf/0.1/";
    private const string Vcard = "http://www.w3.org/2006/vcard/ns#";
    private const string Skos = "http://www.w3.org/2004/02/skos/core#";
    private const string Rdfs = "http://www.w3.org/2000/01/rdf-schema#";

    private static readonly Dictionary<string, string> WellKnownPrefixes = new(StringComparer.Ordinal)
    {
        ["dcat"] = Dcat,
        ["dct"] = Dct,
        ["dcterms"] = Dct,
        ["dc"] = Dc,
        ["foaf"] = Foaf,
        ["vcard"] = Vcard,
        ["skos"] = Skos,
        ["rdfs"] = Rdfs,
        ["rdf"] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
        ["adms"] = "http://www.w3.org/ns/adms#",
        ["dcatde"] = "http://dcat-ap.de/def/dcatde/",
        ["schema"] = "http://schema.org/",
        ["hydra"] = "http://www.w3.org/ns/hydra/core#",
        ["locn"] = "http://www.w3.org/ns/locn#",
        ["owl"] = "http://www.w3.org/2002/07/owl#",
        ["spdx"] = "http://spdx.org/rdf/terms#",
    };

    /// <summary>The EU data themes (DCAT-AP's dcat:theme vocabulary) in German.</summary>
    private static readonly Dictionary<string, string> DataThemes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AGRI"] = "Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel",
        ["ECON"] = "Wirtschaft und Finanzen",
        ["EDUC"] = "Bildung, Kultur und Sport",
        ["ENER"] = "Energie",
        ["ENVI"] = "Umwelt",
        ["GOVE"] = "Regierung und öffentlicher Sektor",
        ["HEAL"] = "Gesundheit",
        ["INTR"] = "Internationale Themen",
        ["JUST"] = "Justiz, Rechtssystem und öffentliche Sicherheit",
        ["REGI"] = "Regionen und Städte",
        ["SOCI"] = "Bevölkerung und Gesellschaft",
        ["TECH"] = "Wissenschaft und Technologie",
        ["TRAN"] = "Verkehr",
    };

    /// <summary>Common licences by their DCAT-AP.de id (the end of <c>http://dcat-ap.de/def/licenses/…</c>) or CKAN license_id.</summary>
    private static readonly Dictionary<string, string> Licences = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dl-by-de/2.0"] = "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        ["dl-de-by-2.0"] = "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        ["dl-zero-de/2.0"] = "Datenlizenz Deutschland – Zero – Version 2.0",
        ["dl-de-zero-2.0"] = "Datenlizenz Deutschland – Zero – Version 2.0",
        ["dl-by-de/1.0"] = "Datenlizenz Deutschland – Namensnennung – Version 1.0",
        ["dl-de-by-1.0"] = "Datenlizenz Deutschland – Namensnennung – Version 1.0",
        ["cc-by/4.0"] = "Creative Commons Namensnennung 4.0 International (CC BY 4.0)",
        ["cc-by-4.0"] = "Creative Commons Namensnennung 4.0 International (CC BY 4.0)",
        ["cc-by-sa/4.0"] = "Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International (CC BY-SA 4.0)",
        ["cc-by-sa-4.0"] = "Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International (CC BY-SA 4.0)",
        ["cc-zero"] = "Creative Commons Zero (CC0 1.0)",
        ["cc0-1.0"] = "Creative Commons Zero (CC0 1.0)",
        ["odbl"] = "Open Data Commons Open Database License (ODbL)",
    };

    public static CataloguePage Read(string json, string url)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new DocumentReadException(
                $"The file is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (Ckan.IsResponse(root))
            {
                return Ckan.Read(root, url);
            }

            if (JsonLdGraph.Create(root) is { } graph && graph.IsDcat())
            {
                return new CataloguePage(graph.Datasets(url), null);
            }

            throw new DocumentReadException("The file is neither a DCAT-AP catalogue nor a CKAN API response.");
        }
    }

    /// <summary>What a dataset becomes, whatever format it came in.</summary>
    private sealed record DatasetFacts(
        string SubKey,
        string Title,
        string? Url,
        string Description,
        IReadOnlyList<string> Keywords,
        string? Publisher,
        IReadOnlyList<string> Licences,
        string? Modified,
        IReadOnlyList<(string Name, string? Format, string? Url)> Distributions);

    private static ExtractedDocument ToDocument(DatasetFacts facts)
    {
        var blocks = new List<ContentBlock>();
        var paragraphs = facts.Description.ReplaceLineEndings("\n").Split("\n\n")
            .Select(p => TextNormalizer.Clean(p)).Where(p => p.Length > 0).ToList();
        blocks.AddRange(paragraphs.Select(p => new ParagraphBlock(p)));
        if (facts.Publisher is { Length: > 0 } publisher)
        {
            blocks.Add(new ParagraphBlock($"Herausgeber: {publisher}"));
        }

        if (facts.Licences.Count > 0)
        {
            blocks.Add(new ParagraphBlock($"Lizenz: {string.Join("; ", facts.Licences)}"));
        }

        var modified = ParseDate(facts.Modified);
        if (modified is { } date)
        {
            blocks.Add(new ParagraphBlock($"Zuletzt aktualisiert: {date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)}"));
        }

        var distributions = facts.Distributions
            .Select(d => Distribution(d.Name, d.Format) + (d.Url is { Length: > 0 } link ? $": {link}" : ""))
            .Where(d => d.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (distributions.Count > 0)
        {
            blocks.Add(new ListBlock(distributions));
        }

        if (blocks.Count == 0)
        {
            blocks.Add(new ParagraphBlock(facts.Title));
        }

        var description = TextNormalizer.Clean(string.Join(' ', paragraphs));
        return new ExtractedDocument(facts.Url!, facts.Title, description.Length > 0 ? Shorten(description) : null, "de", modified, blocks)
        {
            SubKey = facts.SubKey,
            Kind = DocumentKind.Dataset,
            Keywords = facts.Keywords,
        };
    }

    /// <summary>"Name (FORMAT)", without repeating a format the name already names ("Baumkataster (CSV)").</summary>
    private static string Distribution(string name, string? format) =>
        format is not { Length: > 0 } ? name
        : name.Length == 0 ? format
        : name.Contains(format, StringComparison.OrdinalIgnoreCase) ? name
        : $"{name} ({format})";

    private static string Shorten(string text)
    {
        if (text.Length <= DescriptionLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', DescriptionLength - 1);
        return text[..(cut > DescriptionLength / 2 ? cut : DescriptionLength - 1)].TrimEnd(' ', ',', ';', ':') + "…";
    }

    private static DateTimeOffset? ParseDate(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

    private static List<string> Distinct(IEnumerable<string?> values)
    {
        var result = new List<string>();
        foreach (var value in values)
        {
            var cleaned = TextNormalizer.Clean(value);
            if (cleaned.Length > 0 && !result.Contains(cleaned, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(cleaned);
            }
        }

        return result;
    }

    private static string LicenceName(string licence)
    {
        const string DcatDeLicences = "http://dcat-ap.de/def/licenses/";
        var id = licence.StartsWith(DcatDeLicences, StringComparison.OrdinalIgnoreCase) ? licence[DcatDeLicences.Length..] : licence;
        return Licences.TryGetValue(id.TrimEnd('/'), out var name) ? name : licence;
    }

    private static string ThemeName(string theme)
    {
        var code = LocalName(theme);
        return theme.Contains("/data-theme/", StringComparison.Ordinal) && DataThemes.TryGetValue(code, out var name) ? name : code;
    }

    /// <summary>The last segment of an IRI (after <c>#</c> or <c>/</c>), or the text itself.</summary>
    private static string LocalName(string iri)
    {
        var trimmed = iri.TrimEnd('/', '#');
        var cut = trimmed.LastIndexOfAny(['#', '/']);
        return cut >= 0 && cut < trimmed.Length - 1 ? trimmed[(cut + 1)..] : trimmed;
    }

    private static string FallbackSubKey(string title) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(title)))[..12];

    private static string FileName(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Segments.Length > 1 ? Uri.UnescapeDataString(uri.Segments[^1]).TrimEnd('/') : url;

    /// <summary>
    /// CKAN Action API responses (and piveau hub-search, which uses the same envelope). The field helpers are internal so
    /// that the live catalogue client (<c>Stadtdialog.LiveData.Catalogues</c>) reads packages the same way.
    /// </summary>
    internal static class Ckan
    {
        public static bool IsResponse(JsonElement root) =>
            root.ValueKind == JsonValueKind.Object
            && (root.TryGetProperty("success", out _) || root.TryGetProperty("help", out _) || (root.TryGetProperty("result", out var result)
                && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array));

        public static CataloguePage Read(JsonElement root, string url)
        {
            if (root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False)
            {
                throw new DocumentReadException($"The CKAN API reported an error: {ErrorMessage(root)}");
            }

            if (!root.TryGetProperty("result", out var result))
            {
                throw new DocumentReadException("The file is neither a DCAT-AP catalogue nor a CKAN API response.");
            }

            var baseUrl = BaseUrl(url);
            switch (result.ValueKind)
            {
                case JsonValueKind.Object when result.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array:
                    int? count = result.TryGetProperty("count", out var c) && c.TryGetInt32(out var n) ? n : null;
                    return new CataloguePage(Packages(results.EnumerateArray(), url, baseUrl), count);
                case JsonValueKind.Object when result.TryGetProperty("name", out _) || result.TryGetProperty("id", out _):
                    return new CataloguePage(Packages([result], url, baseUrl), null);
                case JsonValueKind.Array when result.EnumerateArray().Any(r => r.ValueKind == JsonValueKind.String):
                    throw new DocumentReadException(
                        "The CKAN response lists only dataset names (package_list); use package_search or current_package_list_with_resources.");
                case JsonValueKind.Array:
                    return new CataloguePage(Packages(result.EnumerateArray(), url, baseUrl), null);
                default:
                    throw new DocumentReadException("The file is neither a DCAT-AP catalogue nor a CKAN API response.");
            }
        }

        internal static string ErrorMessage(JsonElement root)
        {
            if (!root.TryGetProperty("error", out var error))
            {
                return "success is false (no error message).";
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                return error.GetRawText();
            }

            // {"__type": "Not Found Error", "message": "Not found"} or {"__type": "Validation Error", "name": ["…"]}
            var type = Text(error, "__type");
            var message = Text(error, "message");
            var details = error.EnumerateObject()
                .Where(p => p.Name is not ("__type" or "message"))
                .Select(p => $"{p.Name}: {(p.Value.ValueKind == JsonValueKind.Array ? string.Join(", ", p.Value.EnumerateArray().Select(Plain)) : Plain(p.Value))}");
            return string.Join(" – ", new[] { type, message, string.Join("; ", details) }.Where(s => !string.IsNullOrWhiteSpace(s)));
        }

        /// <summary>The portal's root: the part before <c>/api/</c>, else the origin; null for a relative URL.</summary>
        private static string? BaseUrl(string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !FaqTableReader.IsHttpUrl(url))
            {
                return null;
            }

            var path = uri.AbsolutePath;
            var api = path.IndexOf("/api/", StringComparison.OrdinalIgnoreCase);
            return uri.GetLeftPart(UriPartial.Authority) + (api > 0 ? path[..api] : "");
        }

        private static List<ExtractedDocument> Packages(IEnumerable<JsonElement> packages, string url, string? baseUrl)
        {
            var documents = new List<ExtractedDocument>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var package in packages.Where(p => p.ValueKind == JsonValueKind.Object))
            {
                if (Package(package, url, baseUrl) is { } facts && seen.Add(facts.SubKey))
                {
                    documents.Add(ToDocument(facts));
                }
            }

            return documents;
        }

        private static DatasetFacts? Package(JsonElement package, string url, string? baseUrl)
        {
            var id = Text(package, "id");
            var name = Text(package, "name");
            var title = Localized(package, "title") ?? Localized(package, "display_name") ?? name ?? id;
            if (title is null)
            {
                return null;
            }

            title = TextNormalizer.Clean(title);
            var subKey = id ?? name ?? FallbackSubKey(title);
            var landing = new[] { Text(package, "url"), FirstUrl(package, "landing_page"), FirstUrl(package, "landingPage") }
                .FirstOrDefault(FaqTableReader.IsHttpUrl);
            var link = landing
                ?? (baseUrl is not null ? $"{baseUrl}/dataset/{Uri.EscapeDataString(name ?? id!)}" : $"{url}#{Uri.EscapeDataString(subKey)}");

            var keywords = Labels(package, "tags").Concat(Labels(package, "keywords"))
                .Concat(Labels(package, "groups")).Concat(Labels(package, "categories")).Concat(Labels(package, "themes"));

            var distributions = Items(package, "resources").Concat(Items(package, "distributions"))
                .Where(r => r.ValueKind == JsonValueKind.Object)
                .Select(Distribution)
                .ToList();

            var licences = Distinct([
                Text(package, "license_title") ?? Label(package, "license") ?? (Text(package, "license_id") is { } licenceId ? LicenceName(licenceId) : null),
            ]);
            if (licences.Count == 0)
            {
                licences = Distinct(Items(package, "distributions").Select(d => Label(d, "license")));
            }

            var publisher = Label(package, "organization") ?? Label(package, "publisher") ?? Text(package, "author") ?? Text(package, "maintainer");
            return new DatasetFacts(
                subKey,
                title,
                link,
                Localized(package, "notes") ?? Localized(package, "description") ?? "",
                Distinct(keywords),
                publisher is null ? null : TextNormalizer.Clean(publisher),
                licences,
                Text(package, "metadata_modified") ?? Text(package, "modified") ?? Text(package, "metadata_created") ?? Text(package, "issued"),
                distributions);
        }

        private static (string Name, string? Format, string? Url) Distribution(JsonElement resource)
        {
            var url = new[] { Text(resource, "url"), FirstUrl(resource, "download_url"), FirstUrl(resource, "access_url") }
                .FirstOrDefault(u => !string.IsNullOrWhiteSpace(u));
            var name = Localized(resource, "name") ?? Localized(resource, "title") ?? Localized(resource, "description")
                ?? (url is null ? "" : FileName(url));
            var format = Label(resource, "format");
            return (TextNormalizer.Clean(name), format is null ? null : TextNormalizer.Clean(format), url?.Trim());
        }

        internal static JsonElement[] Items(JsonElement element, string property) =>
            element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];

        /// <summary>Labels of a list of tags/groups/categories: strings or objects with a display name, title, label or name.</summary>
        private static IEnumerable<string?> Labels(JsonElement element, string property)
        {
            if (!element.TryGetProperty(property, out var value))
            {
                return [];
            }

            if (value.ValueKind == JsonValueKind.Object && IsLanguageMap(value))
            {
                // piveau: {"de": ["Bäume", "Umwelt"], "en": [...]}
                var best = BestLanguage(value);
                return best.ValueKind == JsonValueKind.Array ? best.EnumerateArray().Select(Plain) : [Plain(best)];
            }

            return value.ValueKind != JsonValueKind.Array ? [] : value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Object
                ? Localized(item, "display_name") ?? Localized(item, "title") ?? Localized(item, "label") ?? Localized(item, "name")
                    ?? (Text(item, "id") is { } theme ? ThemeName(theme) : null)
                : Plain(item));
        }

        /// <summary>A string, a language map, or an object with a title, label, name or id.</summary>
        internal static string? Label(JsonElement element, string property)
        {
            if (!element.TryGetProperty(property, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                return NonEmpty(value.GetString());
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (IsLanguageMap(value))
            {
                return Localized(element, property);
            }

            return Localized(value, "title") ?? Localized(value, "label") ?? Localized(value, "name")
                ?? ((Text(value, "id") ?? Text(value, "resource")) is { } id ? (property == "license" ? LicenceName(id) : id) : null);
        }

        internal static string? FirstUrl(JsonElement element, string property)
        {
            if (!element.TryGetProperty(property, out var value))
            {
                return null;
            }

            var first = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().FirstOrDefault() : value;
            return first.ValueKind switch
            {
                JsonValueKind.String => NonEmpty(first.GetString()),
                JsonValueKind.Object => Text(first, "resource") ?? Text(first, "url") ?? Text(first, "@id"),
                _ => null,
            };
        }

        /// <summary>A string property, or the best language of a language map (<c>{"de": "…", "en": "…"}</c>).</summary>
        internal static string? Localized(JsonElement element, string property)
        {
            if (!element.TryGetProperty(property, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => NonEmpty(value.GetString()),
                JsonValueKind.Object when IsLanguageMap(value) => NonEmpty(Plain(BestLanguage(value))),
                _ => null,
            };
        }

        internal static string? Text(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? NonEmpty(value.GetString())
                : null;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    /// <summary>An object whose keys all look like language tags (<c>de</c>, <c>en</c>, <c>de-DE</c>) and has at least one.</summary>
    private static bool IsLanguageMap(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object
        && value.EnumerateObject().Any()
        && value.EnumerateObject().All(p => IsLanguageTag(p.Name) && p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null);

    /// <summary>A BCP 47 tag: a 2–3 letter language, optionally with subtags (<c>de-DE</c>); <c>id</c> is taken for an identifier.</summary>
    private static bool IsLanguageTag(string name) => name != "id" && LanguageTag().IsMatch(name);

    [GeneratedRegex("^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();

    private static JsonElement BestLanguage(JsonElement map)
    {
        JsonElement? english = null;
        JsonElement? first = null;
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (Rank(entry.Name) == 0)
            {
                return entry.Value;
            }

            if (Rank(entry.Name) == 2)
            {
                english ??= entry.Value;
            }

            first ??= entry.Value;
        }

        return english ?? first ?? default;
    }

    /// <summary>0 German, 1 untagged, 2 English, 3 other.</summary>
    private static int Rank(string? language) => language switch
    {
        null or "" => 1,
        _ when language.Equals("de", StringComparison.OrdinalIgnoreCase) || language.StartsWith("de-", StringComparison.OrdinalIgnoreCase)
            || language.StartsWith("de_", StringComparison.OrdinalIgnoreCase) => 0,
        _ when language.Equals("en", StringComparison.OrdinalIgnoreCase) || language.StartsWith("en-", StringComparison.OrdinalIgnoreCase)
            || language.StartsWith("en_", StringComparison.OrdinalIgnoreCase) => 2,
        _ => 3,
    };

    /// <summary>
    /// A JSON-LD document read without a JSON-LD processor: the context's prefixes, terms and keyword aliases are
    /// applied to property names and types, and nodes are indexed by <c>@id</c> (all fragments of a node, top-level
    /// or embedded, are merged) so that references can be followed. Remote contexts are not fetched; the common
    /// prefixes and plain terms that match a property's local name (<c>title</c>) stand in for them.
    /// </summary>
    private sealed class JsonLdGraph
    {
        private readonly Dictionary<string, string> _terms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<JsonElement>> _byId = new(StringComparer.Ordinal);
        private readonly List<List<JsonElement>> _nodes = [];
        private string? _vocab;
        private string? _language;

        private JsonLdGraph()
        {
        }

        public static JsonLdGraph? Create(JsonElement root)
        {
            var graph = new JsonLdGraph();
            IEnumerable<JsonElement> top;
            if (root.ValueKind == JsonValueKind.Array)
            {
                top = root.EnumerateArray();
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                graph.AddContext(root);
                top = root.TryGetProperty("@graph", out var nodes)
                    ? (nodes.ValueKind == JsonValueKind.Array ? [.. nodes.EnumerateArray(), root] : [nodes, root])
                    : [root];
            }
            else
            {
                return null;
            }

            var list = top.Where(n => n.ValueKind == JsonValueKind.Object).ToList();
            foreach (var node in list)
            {
                graph.AddContext(node);
            }

            foreach (var node in list)
            {
                graph.Index(node, 0);
            }

            return graph;
        }

        public bool IsDcat() => _nodes.Any(n => IsA(n, "Dataset") || IsA(n, "Catalog") || IsA(n, "Distribution"));

        public List<ExtractedDocument> Datasets(string url)
        {
            var documents = new List<ExtractedDocument>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in _nodes.Where(n => IsA(n, "Dataset")))
            {
                if (Dataset(node, url) is { } facts && seen.Add(facts.SubKey))
                {
                    documents.Add(ToDocument(facts));
                }
            }

            return documents;
        }

        private DatasetFacts? Dataset(List<JsonElement> node, string url)
        {
            var id = Id(node[0]);
            var title = Best(Literals(node, Dct + "title", Dc + "title")) ?? Best(Literals(node, Dct + "identifier"));
            if (title is null)
            {
                return null;
            }

            title = TextNormalizer.Clean(title);
            var subKey = id is not null && !id.StartsWith("_:", StringComparison.Ordinal)
                ? id
                : Best(Literals(node, Dct + "identifier")) ?? FallbackSubKey(title);

            var landing = References(node, Dcat + "landingPage").Concat(References(node, Foaf + "page")).FirstOrDefault(FaqTableReader.IsHttpUrl);
            var link = landing ?? (FaqTableReader.IsHttpUrl(id) ? id : $"{url}#{Uri.EscapeDataString(subKey)}");

            var keywords = PreferredLanguage(Literals(node, Dcat + "keyword"))
                .Concat(Objects(node, Dcat + "theme").Select(t => Label(t) ?? (Id(t[0]) is { } theme ? ThemeName(theme) : null)));

            var publisher = Objects(node, Dct + "publisher").Concat(Objects(node, Dct + "creator"))
                .Select(p => Best(Literals(p, Foaf + "name", Vcard + "fn", Vcard + "organization-name", Skos + "prefLabel", Rdfs + "label", Dct + "title")))
                .FirstOrDefault(p => p is not null)
                ?? Best(Literals(node, Dct + "publisher"));

            var distributions = Objects(node, Dcat + "distribution").ToList();
            var licenceNodes = Objects(node, Dct + "license").ToList();
            if (licenceNodes.Count == 0)
            {
                licenceNodes = [.. distributions.SelectMany(d => Objects(d, Dct + "license"))];
            }

            return new DatasetFacts(
                subKey,
                title,
                link,
                Best(Literals(node, Dct + "description", Dc + "description")) ?? "",
                Distinct(keywords),
                publisher is null ? null : TextNormalizer.Clean(publisher),
                Distinct(licenceNodes.Select(l => Label(l) ?? (Id(l[0]) is { } licence ? LicenceName(licence) : null))),
                Best(Literals(node, Dct + "modified")),
                [.. distributions.Select(Distribution)]);
        }

        private (string Name, string? Format, string? Url) Distribution(List<JsonElement> distribution)
        {
            var url = References(distribution, Dcat + "downloadURL").Concat(References(distribution, Dcat + "accessURL")).FirstOrDefault()
                ?? Id(distribution[0]);
            var name = Best(Literals(distribution, Dct + "title", Dc + "title")) ?? Best(Literals(distribution, Dct + "description"))
                ?? (url is null ? "" : FileName(url));
            var format = Objects(distribution, Dct + "format").Concat(Objects(distribution, Dcat + "mediaType"))
                .Select(f => Label(f) ?? (Id(f[0]) is { } iri ? LocalName(iri) : null))
                .FirstOrDefault(f => f is not null)
                ?? Best(Literals(distribution, Dct + "format", Dcat + "mediaType"));
            return (TextNormalizer.Clean(name), format is null ? null : TextNormalizer.Clean(format), url);
        }

        private string? Label(List<JsonElement> node) =>
            Best(Literals(node, Skos + "prefLabel", Rdfs + "label", Dct + "title", Foaf + "name"));

        private void AddContext(JsonElement node)
        {
            if (!node.TryGetProperty("@context", out var context))
            {
                return;
            }

            foreach (var part in context.ValueKind == JsonValueKind.Array ? [.. context.EnumerateArray()] : new[] { context })
            {
                if (part.ValueKind != JsonValueKind.Object)
                {
                    continue; // a remote context (URL): not fetched
                }

                foreach (var entry in part.EnumerateObject())
                {
                    var definition = entry.Value.ValueKind switch
                    {
                        JsonValueKind.String => entry.Value.GetString(),
                        JsonValueKind.Object when entry.Value.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String => id.GetString(),
                        _ => null,
                    };
                    switch (entry.Name)
                    {
                        case "@vocab":
                            _vocab = definition;
                            break;
                        case "@language":
                            _language = definition;
                            break;
                        case var name when name.StartsWith('@'):
                            break;
                        case var name when definition is not null && definition.StartsWith('@'):
                            _aliases[name] = definition;
                            break;
                        case var name when definition is not null:
                            _terms[name] = definition;
                            break;
                        default:
                            break;
                    }
                }
            }
        }

        /// <summary>Registers a node object and the node objects nested in it (not value objects).</summary>
        private void Index(JsonElement element, int depth)
        {
            if (depth > 32)
            {
                return;
            }

            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Index(item, depth + 1);
                }

                return;
            }

            if (element.ValueKind != JsonValueKind.Object || Has(element, "@value") || IsLanguageMap(element))
            {
                return;
            }

            var id = Id(element);
            var isReference = id is not null && element.EnumerateObject().All(p => Keyword(p.Name) is "@id");
            if (!isReference)
            {
                if (id is null)
                {
                    _nodes.Add([element]);
                }
                else if (_byId.TryGetValue(id, out var fragments))
                {
                    fragments.Add(element);
                }
                else
                {
                    var node = new List<JsonElement> { element };
                    _byId[id] = node;
                    _nodes.Add(node);
                }
            }

            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is not ("@context" or "@graph"))
                {
                    Index(property.Value, depth + 1);
                }
            }
        }

        private bool IsA(List<JsonElement> node, string dcatClass) =>
            node.Any(fragment => fragment.EnumerateObject()
                .Where(p => Keyword(p.Name) == "@type")
                .SelectMany(p => Flatten(p.Value))
                .Any(t => t.ValueKind == JsonValueKind.String && Matches(t.GetString()!, Dcat + dcatClass)));

        /// <summary>Whether a property name or type denotes the IRI: expanded, or as a plain term equal to its local name.</summary>
        private bool Matches(string name, string iri)
        {
            var expanded = Expand(name, 0);
            return expanded == iri || (!expanded.Contains(':', StringComparison.Ordinal) && expanded == LocalName(iri));
        }

        private string Expand(string name, int depth)
        {
            if (name.StartsWith('@') || depth > 8)
            {
                return name;
            }

            if (_terms.TryGetValue(name, out var definition) && definition != name)
            {
                return Expand(definition, depth + 1);
            }

            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var prefix = name[..colon];
                var suffix = name[(colon + 1)..];
                if (suffix.StartsWith("//", StringComparison.Ordinal))
                {
                    return name;
                }

                if (_terms.TryGetValue(prefix, out var ns))
                {
                    return Expand(ns, depth + 1) + suffix;
                }

                return WellKnownPrefixes.TryGetValue(prefix, out var known) ? known + suffix : name;
            }

            return _vocab is not null ? _vocab + name : name;
        }

        private string Keyword(string name) => name.StartsWith('@') ? name : _aliases.TryGetValue(name, out var keyword) ? keyword : name;

        private string? Id(JsonElement element) =>
            element.ValueKind == JsonValueKind.Object
                ? element.EnumerateObject().Where(p => Keyword(p.Name) == "@id" && p.Value.ValueKind == JsonValueKind.String)
                    .Select(p => Expand(p.Value.GetString()!, 0)).FirstOrDefault()
                : null;

        private static bool Has(JsonElement element, string property) => element.TryGetProperty(property, out _);

        /// <summary>The values of a property in all fragments of a node, arrays, @list and @set flattened.</summary>
        private IEnumerable<JsonElement> Values(List<JsonElement> node, params string[] iris)
        {
            foreach (var fragment in node)
            {
                foreach (var property in fragment.EnumerateObject())
                {
                    if (!property.Name.StartsWith('@') && Keyword(property.Name) == property.Name && iris.Any(iri => Matches(property.Name, iri)))
                    {
                        foreach (var value in Flatten(property.Value))
                        {
                            yield return value;
                        }
                    }
                }
            }
        }

        private static IEnumerable<JsonElement> Flatten(JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                return value.EnumerateArray().SelectMany(Flatten);
            }

            if (value.ValueKind == JsonValueKind.Object && (value.TryGetProperty("@list", out var list) || value.TryGetProperty("@set", out list)))
            {
                return Flatten(list);
            }

            return [value];
        }

        /// <summary>Literal values with their language: strings, value objects and language maps.</summary>
        private IEnumerable<(string Text, string? Language)> Literals(List<JsonElement> node, params string[] iris)
        {
            foreach (var value in Values(node, iris))
            {
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        yield return (value.GetString()!, _language);
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        yield return (value.GetRawText(), null);
                        break;
                    case JsonValueKind.Object when value.TryGetProperty("@value", out var literal):
                        var language = value.TryGetProperty("@language", out var tag) && tag.ValueKind == JsonValueKind.String ? tag.GetString() : null;
                        if (Plain(literal) is { } text)
                        {
                            yield return (text, language);
                        }

                        break;
                    case JsonValueKind.Object when IsLanguageMap(value):
                        foreach (var entry in value.EnumerateObject())
                        {
                            foreach (var item in Flatten(entry.Value).Select(Plain).OfType<string>())
                            {
                                yield return (item, entry.Name);
                            }
                        }

                        break;
                    default:
                        break;
                }
            }
        }

        /// <summary>Objects a property points to: resolved references, embedded nodes, or bare IRIs (strings) as nodes of their own.</summary>
        private IEnumerable<List<JsonElement>> Objects(List<JsonElement> node, string iri)
        {
            foreach (var value in Values(node, iri))
            {
                if (value.ValueKind != JsonValueKind.Object || Has(value, "@value") || IsLanguageMap(value))
                {
                    continue;
                }

                yield return Id(value) is { } id && _byId.TryGetValue(id, out var resolved) ? resolved : [value];
            }
        }

        /// <summary>IRIs a property points to: <c>{"@id"}</c> references and strings.</summary>
        private IEnumerable<string> References(List<JsonElement> node, string iri) =>
            Values(node, iri).Select(v => v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object when Has(v, "@value") => Plain(v.GetProperty("@value")),
                JsonValueKind.Object => Id(v),
                _ => null,
            }).OfType<string>().Select(s => s.Trim()).Where(s => s.Length > 0);

        private static string? Best(IEnumerable<(string Text, string? Language)> literals) =>
            literals.Where(l => !string.IsNullOrWhiteSpace(l.Text)).OrderBy(l => Rank(l.Language)).Select(l => l.Text).FirstOrDefault();

        /// <summary>Keywords in the preferred language (German and untagged, else English, else all).</summary>
        private static IEnumerable<string> PreferredLanguage(IEnumerable<(string Text, string? Language)> literals)
        {
            var all = literals.Where(l => !string.IsNullOrWhiteSpace(l.Text)).ToList();
            if (all.Any(l => Rank(l.Language) <= 1))
            {
                return all.Where(l => Rank(l.Language) <= 1).Select(l => l.Text);
            }

            return all.Any(l => Rank(l.Language) == 2) ? all.Where(l => Rank(l.Language) == 2).Select(l => l.Text) : all.Select(l => l.Text);
        }
    }
}
