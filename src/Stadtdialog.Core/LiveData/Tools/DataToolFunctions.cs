using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Stadtdialog.LiveData.Tools;

/// <summary>
/// A data tool as a function for language models and MCP clients: its JSON schema (built from the tool's kind and
/// configuration) and the reading of the arguments a model filled in. Unknown or malformed arguments are ignored,
/// never passed on to the platform as they are.
/// </summary>
public static class DataToolFunctions
{
    /// <summary>The function declaration offered to a language model (no code runs through it; Stadtdialog runs the tool).</summary>
    public static AIFunctionDeclaration Declaration(DataTool tool) =>
        AIFunctionFactory.CreateDeclaration(tool.Slug, Description(tool), Schema(tool));

    public static string Description(DataTool tool) =>
        string.IsNullOrWhiteSpace(tool.Description) ? tool.Name : $"{tool.Name}: {tool.Description}";

    /// <summary>The JSON schema of the tool's parameters.</summary>
    public static JsonElement Schema(DataTool tool)
    {
        var label = string.IsNullOrWhiteSpace(tool.Query.ItemLabel) ? "Objekt" : tool.Query.ItemLabel;
        var properties = new JsonObject();
        switch (tool.Kind)
        {
            case DataToolKind.Latest or DataToolKind.Series:
                properties["name"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = $"Name oder Teil des Namens ({label}), z. B. ein Ort; weglassen für alle.",
                };
                properties["property"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "Gemessene Größe (z. B. PM10, NO2), falls die Frage eine nennt; weglassen für alle.",
                };
                if (tool.Kind == DataToolKind.Series)
                {
                    properties["hours"] = new JsonObject
                    {
                        ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 336,
                        ["description"] = $"Zeitraum in Stunden bis jetzt (Standard {tool.Query.Hours}).",
                    };
                }

                break;
            case DataToolKind.Events:
                properties["from"] = new JsonObject { ["type"] = "string", ["format"] = "date", ["description"] = "Erster Tag (JJJJ-MM-TT)." };
                properties["to"] = new JsonObject { ["type"] = "string", ["format"] = "date", ["description"] = "Letzter Tag (JJJJ-MM-TT)." };
                properties["keyword"] = new JsonObject
                {
                    ["type"] = "string", ["description"] = "Thema oder Zielgruppe, z. B. Kinder, Konzert; weglassen für alle.",
                };
                break;
            case DataToolKind.Dataset when !string.IsNullOrWhiteSpace(tool.Query.LookupColumn):
                properties["keyword"] = new JsonObject
                {
                    ["type"] = "string", ["description"] = $"Gesuchter Wert in der Spalte „{tool.Query.LookupColumn}“; weglassen für die Anzahl.",
                };
                break;
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>Reads the arguments a model or MCP client filled in; the question is kept for what they leave out.</summary>
    public static DataToolArguments Arguments(DataTool tool, IReadOnlyDictionary<string, object?>? values, string? question)
    {
        string? Text(string key) => values is not null && values.TryGetValue(key, out var v) && v is not null
            ? (v is JsonElement { ValueKind: JsonValueKind.String } e ? e.GetString() : v is JsonElement j ? j.GetRawText() : v.ToString())?.Trim()
            : null;

        int? Integer(string key) => int.TryParse(Text(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

        DateOnly? Date(string key) => DateOnly.TryParseExact(Text(key), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;

        static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) || text.Length > 200 ? null : text;

        return tool.Kind switch
        {
            DataToolKind.Latest => new DataToolArguments { Name = Clean(Text("name")), Property = Clean(Text("property")), Question = question },
            DataToolKind.Series => new DataToolArguments
            {
                Name = Clean(Text("name")), Property = Clean(Text("property")), Hours = Integer("hours") is { } h ? Math.Clamp(h, 1, 336) : null,
                Question = question,
            },
            DataToolKind.Events => new DataToolArguments { From = Date("from"), To = Date("to"), Keyword = Clean(Text("keyword")), Question = question },
            _ => new DataToolArguments { Keyword = Clean(Text("keyword")), Question = question },
        };
    }
}
