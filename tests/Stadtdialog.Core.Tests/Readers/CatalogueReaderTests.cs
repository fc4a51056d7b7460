using System.Text;
using Stadtdialog.Knowledge;
using Stadtdialog.Knowledge.Readers;
using Stadtdialog.Tests;
using Xunit;
using Format = Stadtdialog.Knowledge.Readers.FileFormat;

namespace Stadtdialog.Core.Tests.Readers;

public sealed class CatalogueReaderTests
{
    private const string CkanSearchUrl = "https://opendata.musterstadt.example/api/3/action/package_search?q=*:*&rows=100";
    private const string HubUrl = "https://udp.musterstadt.example/api/hub/repo/catalogues/musterstadt.jsonld";

    private static string Shared(params string[] path) => File.ReadAllText(Path.Combine([RepositoryPaths.SharedData, .. path]));

    private static List<string> Texts(ExtractedDocument document) =>
        [.. document.Blocks.SelectMany(b => b switch
        {
            ParagraphBlock p => [p.Text],
            ListBlock l => l.Items,
            _ => Array.Empty<string>(),
        })];

    [Fact]
    public void Reads_the_datasets_of_a_dcat_ap_json_ld_catalogue()
    {
        var page = CatalogueReader.Read(Shared("urban-data", "dcat-ap-catalogue.jsonld"), HubUrl);

        Assert.Null(page.TotalCount);
        Assert.Equal(5, page.Datasets.Count);
        Assert.All(page.Datasets, d => Assert.Equal(DocumentKind.Dataset, d.Kind));

        var trees = page.Datasets[0];
        Assert.Equal("Baumkataster Musterstadt", trees.Title);
        Assert.Equal("https://udp.musterstadt.example/datasets/baumkataster", trees.SubKey);
        Assert.Equal("https://udp.musterstadt.example/datasets/baumkataster", trees.Url);
        Assert.Equal(["Bäume", "Umwelt", "Stadtgrün"], trees.Keywords);
        Assert.Equal(new DateTimeOffset(2026, 10, 2, 8, 12, 44, TimeSpan.Zero), trees.LastModified);
        Assert.StartsWith("Alle Straßen- und Parkbäume im Stadtgebiet", trees.Description, StringComparison.Ordinal);
        Assert.Equal(
            [
                "Alle Straßen- und Parkbäume im Stadtgebiet mit Art, Pflanzjahr, Stammumfang und Standort. Stand: Oktober 2026. 18.412 Bäume.",
                "Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2.0",
                "Zuletzt aktualisiert: 02.10.2026",
                "Baumkataster (CSV): https://opendata.musterstadt.example/dataset/baumkataster/baeume.csv",
                "Baumkataster (GeoJSON): https://opendata.musterstadt.example/dataset/baumkataster/baeume.geojson",
            ],
            Texts(trees));

        var parking = Assert.Single(page.Datasets, d => d.Title == "Parkhausbelegung (Echtzeit)");
        Assert.Contains(
            "SensorThings API: https://udp.musterstadt.example/FROST-Server/v1.1/Things?$filter=properties/category%20eq%20'parking'",
            Texts(parking));
    }

    [Fact]
    public void Reads_a_ckan_package_search_response()
    {
        var page = CatalogueReader.Read(Shared("urban-data", "ckan-package_search.json"), CkanSearchUrl);

        Assert.Equal(5, page.TotalCount);
        Assert.Equal(5, page.Datasets.Count);

        var trees = Assert.Single(page.Datasets, d => d.Title == "Baumkataster Musterstadt");
        Assert.Equal(DocumentKind.Dataset, trees.Kind);
        Assert.Equal("0b7c23299964-1a2b-4c3d-9e8f-420594017400", trees.SubKey);
        Assert.Equal("https://opendata.musterstadt.example/dataset/baumkataster", trees.Url);
        Assert.Equal(["Bäume", "Umwelt", "Stadtgrün"], trees.Keywords);
        Assert.Equal(new DateTimeOffset(2026, 10, 2, 8, 12, 44, TimeSpan.Zero).AddTicks(1234560), trees.LastModified);
        Assert.Equal(
            [
                "Alle Straßen- und Parkbäume im Stadtgebiet mit Art, Pflanzjahr, Stammumfang und Standort. Stand: Oktober 2026. 18.412 Bäume.",
                "Herausgeber: Stadt Musterstadt",
                "Lizenz: Datenlizenz Deutschland Namensnennung 2.0",
                "Zuletzt aktualisiert: 02.10.2026",
                "Baumkataster (CSV): https://opendata.musterstadt.example/dataset/baumkataster/baeume.csv",
                "Baumkataster (GeoJSON): https://opendata.musterstadt.example/dataset/baumkataster/baeume.geojson",
            ],
            Texts(trees));

        var bikes = Assert.Single(page.Datasets, d => d.SubKey == "0b7c04138711-1a2b-4c3d-9e8f-009019821032");
        Assert.Equal(["Radverkehr", "Mobilität", "umwelt"], bikes.Keywords);
    }

    [Fact]
    public void Reads_package_show_and_the_package_list_with_resources()
    {
        const string Package = """
            {"id": "abc-1", "name": "spielplaetze", "title": "Spielplätze", "notes": "Alle öffentlichen Spielplätze.",
             "url": "https://www.musterstadt.example/spielplaetze", "tags": [{"display_name": "Kinder", "name": "kinder"}],
             "resources": [{"name": "", "format": "", "url": "https://opendata.musterstadt.example/spielplaetze.csv"}]}
            """;

        var show = CatalogueReader.Read($$$"""{"help": "x", "success": true, "result": {{{Package}}}}""", "https://opendata.musterstadt.example/api/3/action/package_show?id=spielplaetze");
        var list = CatalogueReader.Read($$$"""{"success": true, "result": [{{{Package}}}]}""", "https://opendata.musterstadt.example/api/3/action/current_package_list_with_resources");

        foreach (var page in new[] { show, list })
        {
            Assert.Null(page.TotalCount);
            var dataset = Assert.Single(page.Datasets);
            Assert.Equal("abc-1", dataset.SubKey);
            Assert.Equal("https://www.musterstadt.example/spielplaetze", dataset.Url);
            Assert.Equal(["Kinder"], dataset.Keywords);
            Assert.Contains("spielplaetze.csv: https://opendata.musterstadt.example/spielplaetze.csv", Texts(dataset));
        }
    }

    [Fact]
    public void A_failed_ckan_call_is_an_error_with_the_ckan_message()
    {
        var error = Assert.Throws<DocumentReadException>(() => CatalogueReader.Read(
            """{"help": "https://x.example/api/3/action/help_show?name=package_show", "success": false, "error": {"__type": "Not Found Error", "message": "Nicht gefunden"}}""",
            CkanSearchUrl));

        Assert.Contains("Nicht gefunden", error.Message, StringComparison.Ordinal);
        Assert.Contains("Not Found Error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_a_piveau_hub_search_response_with_language_maps()
    {
        const string Json = """
            {
              "success": true,
              "result": {
                "count": 42,
                "results": [
                  {
                    "id": "wahllokale",
                    "title": {"en": "Polling stations", "de": "Wahllokale"},
                    "description": {"en": "All polling stations.", "de": "Alle Wahllokale der Stadt."},
                    "keywords": [{"id": "wahlen", "label": "Wahlen", "language": "de"}],
                    "categories": [{"id": "GOVE", "label": {"en": "Government", "de": "Regierung und öffentlicher Sektor"}}],
                    "publisher": {"type": "Organization", "name": "Wahlamt Musterstadt"},
                    "modified": "2026-09-01",
                    "distributions": [
                      {"title": {"de": "Wahllokale (GeoJSON)"}, "format": {"id": "GEOJSON", "label": "GeoJSON"},
                       "access_url": ["https://opendata.musterstadt.example/wahllokale.geojson"],
                       "license": {"id": "dl-by-de/2.0", "resource": "http://dcat-ap.de/def/licenses/dl-by-de/2.0"}}
                    ]
                  }
                ]
              }
            }
            """;

        var page = CatalogueReader.Read(Json, "https://udp.musterstadt.example/api/hub/search/search?filter=dataset");

        Assert.Equal(42, page.TotalCount);
        var dataset = Assert.Single(page.Datasets);
        Assert.Equal("Wahllokale", dataset.Title);
        Assert.Equal("Alle Wahllokale der Stadt.", dataset.Description);
        Assert.Equal(["Wahlen", "Regierung und öffentlicher Sektor"], dataset.Keywords);
        Assert.Equal(
            [
                "Alle Wahllokale der Stadt.",
                "Herausgeber: Wahlamt Musterstadt",
                "Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2.0",
                "Zuletzt aktualisiert: 01.09.2026",
                "Wahllokale (GeoJSON): https://opendata.musterstadt.example/wahllokale.geojson",
            ],
            Texts(dataset));
    }

    [Fact]
    public void Reads_dcat_with_full_iris_and_no_context()
    {
        const string Json = """
            [
              {
                "@id": "https://data.musterstadt.example/dataset/haltestellen",
                "@type": ["http://www.w3.org/ns/dcat#Dataset"],
                "http://purl.org/dc/terms/title": [{"@value": "Bus stops", "@language": "en"}, {"@value": "Haltestellen", "@language": "de"}],
                "http://purl.org/dc/terms/description": [{"@value": "Alle Bushaltestellen.", "@language": "de"}],
                "http://www.w3.org/ns/dcat#keyword": [{"@value": "ÖPNV", "@language": "de"}, {"@value": "public transport", "@language": "en"}],
                "http://www.w3.org/ns/dcat#theme": [{"@id": "http://publications.europa.eu/resource/authority/data-theme/TRAN"}],
                "http://www.w3.org/ns/dcat#landingPage": [{"@id": "https://www.musterstadt.example/haltestellen"}],
                "http://purl.org/dc/terms/publisher": [{"@id": "_:org"}],
                "http://purl.org/dc/terms/modified": [{"@value": "2026-05-04", "@type": "http://www.w3.org/2001/XMLSchema#date"}],
                "http://www.w3.org/ns/dcat#distribution": [{"@id": "_:d1"}]
              },
              {"@id": "_:org", "@type": ["http://xmlns.com/foaf/0.1/Organization"], "http://xmlns.com/foaf/0.1/name": [{"@value": "Verkehrsbetriebe Musterstadt"}]},
              {
                "@id": "_:d1",
                "@type": ["http://www.w3.org/ns/dcat#Distribution"],
                "http://www.w3.org/ns/dcat#downloadURL": [{"@id": "https://data.musterstadt.example/haltestellen.csv"}],
                "http://purl.org/dc/terms/format": [{"@id": "http://publications.europa.eu/resource/authority/file-type/CSV"}],
                "http://purl.org/dc/terms/license": [{"@id": "http://dcat-ap.de/def/licenses/cc-by/4.0"}]
              }
            ]
            """;

        var page = CatalogueReader.Read(Json, HubUrl);

        var dataset = Assert.Single(page.Datasets);
        Assert.Null(page.TotalCount);
        Assert.Equal("Haltestellen", dataset.Title);
        Assert.Equal("https://www.musterstadt.example/haltestellen", dataset.Url);
        Assert.Equal("https://data.musterstadt.example/dataset/haltestellen", dataset.SubKey);
        Assert.Equal(["ÖPNV", "Verkehr"], dataset.Keywords);
        Assert.Equal(
            [
                "Alle Bushaltestellen.",
                "Herausgeber: Verkehrsbetriebe Musterstadt",
                "Lizenz: Creative Commons Namensnennung 4.0 International (CC BY 4.0)",
                "Zuletzt aktualisiert: 04.05.2026",
                "haltestellen.csv: https://data.musterstadt.example/haltestellen.csv",
            ],
            Texts(dataset));
    }

    [Fact]
    public void Reads_a_single_node_with_own_prefixes_terms_and_language_maps()
    {
        const string Json = """
            {
              "@context": {
                "d": "http://www.w3.org/ns/dcat#",
                "t": "http://purl.org/dc/terms/",
                "name": "http://xmlns.com/foaf/0.1/name",
                "titel": {"@id": "t:title", "@container": "@language"},
                "id": "@id",
                "type": "@type"
              },
              "id": "https://data.musterstadt.example/dataset/wlan",
              "type": "d:Dataset",
              "titel": {"fr": "Points d'accès", "en": "Wi-Fi hotspots"},
              "t:description": "Öffentliche WLAN-Zugangspunkte.",
              "d:keyword": ["WLAN", "Internet"],
              "t:publisher": {"type": "http://xmlns.com/foaf/0.1/Agent", "name": {"@value": "Stadt Musterstadt", "@language": "de"}}
            }
            """;

        var dataset = Assert.Single(CatalogueReader.Read(Json, HubUrl).Datasets);

        Assert.Equal("Wi-Fi hotspots", dataset.Title);
        Assert.Equal("https://data.musterstadt.example/dataset/wlan", dataset.Url);
        Assert.Equal(["WLAN", "Internet"], dataset.Keywords);
        Assert.Equal(["Öffentliche WLAN-Zugangspunkte.", "Herausgeber: Stadt Musterstadt"], Texts(dataset));
    }

    [Fact]
    public void A_long_description_is_shortened_for_the_summary_but_kept_in_the_text()
    {
        var description = string.Join(' ', Enumerable.Repeat("Dieser Datensatz enthält viele Angaben.", 20));
        var json = $$$"""{"success": true, "result": {"count": 1, "results": [{"name": "lang", "title": "Lang", "notes": "{{{description}}}"}]}}""";

        var dataset = Assert.Single(CatalogueReader.Read(json, "file.json").Datasets);

        Assert.True(dataset.Description!.Length <= 300);
        Assert.EndsWith("…", dataset.Description, StringComparison.Ordinal);
        Assert.Equal(description, ((ParagraphBlock)dataset.Blocks[0]).Text);
        Assert.Equal("file.json#lang", dataset.Url);
    }

    [Theory]
    [InlineData("""{"foo": 1}""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("""{"@context": {"schema": "http://schema.org/"}, "@type": "schema:Event", "schema:name": "Fest"}""")]
    public void Json_that_is_neither_is_an_error(string json)
    {
        var error = Assert.Throws<DocumentReadException>(() => CatalogueReader.Read(json, HubUrl));

        Assert.Equal("The file is neither a DCAT-AP catalogue nor a CKAN API response.", error.Message);
    }

    [Fact]
    public void An_ngsi_ld_entity_is_no_catalogue()
    {
        var error = Assert.Throws<DocumentReadException>(() =>
            CatalogueReader.Read(Shared("real", "ngsi-ld", "OffStreetParking__example-normalized.jsonld"), HubUrl));

        Assert.Equal("The file is neither a DCAT-AP catalogue nor a CKAN API response.", error.Message);
    }

    [Fact]
    public void Invalid_json_is_an_error_with_its_position()
    {
        var error = Assert.Throws<DocumentReadException>(() => CatalogueReader.Read("{\n  \"result\": [1, 2,, 3]\n}", HubUrl));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dcatde_catalog-endpoint.rdf")]
    [InlineData("dcatde_metadata_max.rdf")]
    public void The_real_dcat_ap_de_examples_are_rdf_xml_and_refused_as_not_json(string file)
    {
        // The GovData examples are RDF/XML, which this reader does not parse: it must fail clearly, not return nothing.
        var error = Assert.Throws<DocumentReadException>(() => CatalogueReader.Read(Shared("real", "dcat-ap-de", file), HubUrl));

        Assert.StartsWith("The file is not valid JSON (line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalogues_are_read_through_the_document_readers()
    {
        var raw = new RawDocument(
            "ckan.json", CkanSearchUrl, Format.Catalogue, Encoding.UTF8.GetBytes(Shared("urban-data", "ckan-package_search.json")));

        var documents = DocumentReaders.Read(raw, new ReadContext(DateTimeOffset.UnixEpoch, new ReaderLimits()));

        Assert.Equal(5, documents.Count);
    }
}
