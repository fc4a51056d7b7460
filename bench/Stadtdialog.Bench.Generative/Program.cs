using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Stadtdialog.Bench;
using Stadtdialog.Tests;

// Platform overhead of a generative turn: the same scripted model (fixed first-token delay, fixed token rate) is
// called once directly and once through Stadtdialog (HTTP + SSE, tenant, retrieval, prompt, middleware, storage).
// Added latency = platform − direct, per percentile, at several numbers of concurrent conversations.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

const string Answer =
    "Den Personalausweis beantragen Sie persönlich im Bürgerbüro [1]. Bringen Sie Ihren bisherigen Ausweis und ein " +
    "aktuelles biometrisches Passfoto mit [1]. Für Kinder gelten eigene Regeln, die Eltern müssen zustimmen [1]. " +
    "Einen Termin können Sie online vereinbaren, die Abholung erfolgt ebenfalls im Bürgerbüro [1].";
const string Question = "Wie beantrage ich einen neuen Personalausweis?";

await using var model = await FakeOpenAiServer.StartAsync();
var tokens = FakeOpenAiServer.Tokens(Answer).Count;
model.DefaultReply = Reply.Text(Answer, tokensPerChunk: 1, chunkDelay: TimeSpan.FromMilliseconds(options.TokenMs),
    firstTokenDelay: TimeSpan.FromMilliseconds(options.FirstTokenMs));

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };

Console.WriteLine($"Stadtdialog generative overhead – {TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
Console.WriteLine($"model             scripted OpenAI-compatible server on loopback: first token after {options.FirstTokenMs} ms, " +
    $"then {tokens} chunks every {options.TokenMs} ms ({1000.0 / options.TokenMs:0} tokens/s per stream)");
Console.WriteLine($"machine           {Environment.ProcessorCount} logical CPUs shared by model, server and driver; load average {MachineInfo.LoadAverage()}");

var data = Path.Combine(Path.GetTempPath(), "stadtdialog-bench-generative-" + Guid.NewGuid().ToString("N"));
using var server = StartServer(options, model.BaseUrl, data);
try
{
    var baseUrl = $"http://127.0.0.1:{options.Port}";
    await WaitUntilReadyAsync(http, baseUrl);
    using (var put = new HttpRequestMessage(HttpMethod.Put, $"{baseUrl}/api/tenants/musterstadt/assistants/buergerservice/generation")
    {
        Content = JsonContent.Create(new { directAnswerConfidence = 1.0 }),
    })
    {
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BenchOptions.AdminKey);
        (await http.SendAsync(put)).EnsureSuccessStatusCode();
    }

    var check = await PlatformTurnAsync(http, baseUrl, await StartConversationAsync(http, baseUrl));
    if (check.AnswerType != "generative")
    {
        Console.Error.WriteLine($"error: the platform answered with '{check.AnswerType}', not the model; see the server output.");
        return 1;
    }

    Console.WriteLine();
    Console.WriteLine("| concurrent | path | turns | TTFT p50 | TTFT p99 | total p50 | total p99 |");
    Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
    var summary = new List<string>();
    foreach (var level in options.Levels)
    {
        var direct = await RunAsync(level, options, () => DirectTurnAsync(http, model.BaseUrl));
        var platform = await RunAsync(level, options, async () =>
        {
            var conversation = await StartConversationAsync(http, baseUrl);
            return await PlatformTurnAsync(http, baseUrl, conversation);
        });
        Print(level, "direct", direct);
        Print(level, "Stadtdialog", platform);
        summary.Add($"| {level} | {platform.Count(s => s.Error is null)} | " +
            $"{Added(platform, direct, s => s.FirstTokenMs, 50)} | {Added(platform, direct, s => s.FirstTokenMs, 99)} | " +
            $"{Added(platform, direct, s => s.TotalMs, 50)} | {Added(platform, direct, s => s.TotalMs, 99)} | " +
            $"{platform.Count(s => s.Error is not null)} |");
    }

    Console.WriteLine();
    Console.WriteLine("Added by the platform (platform percentile − direct percentile, ms):");
    Console.WriteLine();
    Console.WriteLine("| concurrent | turns | TTFT p50 | TTFT p99 | total p50 | total p99 | errors |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
    summary.ForEach(Console.WriteLine);
    Console.WriteLine($"load average      {MachineInfo.LoadAverage()} after the run");
    return 0;
}
finally
{
    if (!server.HasExited)
    {
        server.Kill(entireProcessTree: true);
        await server.WaitForExitAsync();
    }

    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
    }
}

static Process StartServer(BenchOptions options, Uri model, string data) =>
    BenchServer.Start(options.ServerDll, options.Port, data, BenchOptions.AdminKey, new Dictionary<string, string>
    {
        ["Stadtdialog__Llm__Endpoint"] = model.ToString(),
        ["Stadtdialog__Llm__Model"] = "bench-model",
        ["Stadtdialog__Llm__TimeoutSeconds"] = "120",
    });

static async Task WaitUntilReadyAsync(HttpClient http, string baseUrl)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromMinutes(3))
    {
        try
        {
            // Ready and the demo municipality ingested: its answer comes from content, not "don't know".
            var conversation = await StartConversationAsync(http, baseUrl);
            using var ask = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/api/tenants/musterstadt/conversations/{conversation}/messages")
            {
                Content = JsonContent.Create(new { text = Question }),
            };
            using var response = await http.SendAsync(ask);
            if (response.IsSuccessStatusCode
                && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answerType").GetString() is "retrieval" or "faq")
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(500);
    }

    throw new TimeoutException("The server did not become ready within 3 minutes.");
}

static async Task<string> StartConversationAsync(HttpClient http, string baseUrl)
{
    using var response = await http.PostAsJsonAsync($"{baseUrl}/api/tenants/musterstadt/assistants/buergerservice/conversations", new { });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
}

static async Task<Sample> PlatformTurnAsync(HttpClient http, string baseUrl, string conversation)
{
    var started = Stopwatch.GetTimestamp();
    using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/api/tenants/musterstadt/conversations/{conversation}/messages")
    {
        Content = JsonContent.Create(new { text = Question }),
    };
    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
    double? first = null;
    string? type = null;
    string? evt = null;
    while (await reader.ReadLineAsync() is { } line)
    {
        if (line.StartsWith("event: ", StringComparison.Ordinal))
        {
            evt = line[7..];
        }
        else if (line.StartsWith("data: ", StringComparison.Ordinal))
        {
            if (evt == "delta")
            {
                first ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            else if (evt == "done")
            {
                type = JsonDocument.Parse(line[6..]).RootElement.GetProperty("answerType").GetString();
            }
            else if (evt == "error")
            {
                return new Sample(0, 0, "error event", null);
            }
        }
    }

    var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    return type == "generative" ? new Sample(first ?? total, total, null, type) : new Sample(0, 0, $"answer type {type}", type);
}

static async Task<Sample> DirectTurnAsync(HttpClient http, Uri model)
{
    var started = Stopwatch.GetTimestamp();
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(model, "chat/completions"))
    {
        Content = JsonContent.Create(new
        {
            model = "bench-model", stream = true, max_tokens = 600,
            messages = new object[] { new { role = "system", content = "Bench" }, new { role = "user", content = Question } },
        }),
    };
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
    double? first = null;
    while (await reader.ReadLineAsync() is { } line)
    {
        if (line == "data: [DONE]")
        {
            break;
        }

        if (first is null && line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal)
            && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
        {
            first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }

    var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    return new Sample(first ?? total, total, null, "direct");
}

static async Task<List<Sample>> RunAsync(int concurrency, BenchOptions options, Func<Task<Sample>> turn)
{
    var samples = new List<Sample>();
    var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
    var end = warmup + TimeSpan.FromSeconds(options.Seconds);
    var clock = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        var mine = new List<Sample>();
        while (clock.Elapsed < end)
        {
            var startedAt = clock.Elapsed;
            Sample sample;
            try
            {
                sample = await turn();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException)
            {
                sample = new Sample(0, 0, ex.GetType().Name, null);
            }

            if (startedAt >= warmup)
            {
                mine.Add(sample);
            }
        }

        return mine;
    }).ToList();
    foreach (var worker in workers)
    {
        samples.AddRange(await worker);
    }

    return samples;
}

static double Percentile(IEnumerable<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

static void Print(int level, string path, List<Sample> samples)
{
    var ok = samples.Where(s => s.Error is null).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {level} | {path} | {ok.Count} | {Percentile(ok.Select(s => s.FirstTokenMs), 50):0.0} | {Percentile(ok.Select(s => s.FirstTokenMs), 99):0.0} | " +
        $"{Percentile(ok.Select(s => s.TotalMs), 50):0.0} | {Percentile(ok.Select(s => s.TotalMs), 99):0.0} |"));
    foreach (var error in samples.Where(s => s.Error is not null).GroupBy(s => s.Error))
    {
        Console.WriteLine($"|   | {path} errors: {error.Key} × {error.Count()} | | | | | |");
    }
}

static string Added(List<Sample> platform, List<Sample> direct, Func<Sample, double> metric, double p)
{
    var ok = platform.Where(s => s.Error is null).Select(metric);
    var baseline = direct.Where(s => s.Error is null).Select(metric);
    return (Percentile(ok, p) - Percentile(baseline, p)).ToString("0.0", CultureInfo.InvariantCulture);
}

internal sealed record Sample(double FirstTokenMs, double TotalMs, string? Error, string? AnswerType);

internal sealed record BenchOptions(string ServerDll, int Port, int[] Levels, int Seconds, int WarmupSeconds, int FirstTokenMs, int TokenMs)
{
    public const string AdminKey = "bench-admin-key-00000000001";

    public const string Usage = """
        usage: Stadtdialog.Bench.Generative [--server-dll src/Stadtdialog.Server/bin/Release/net10.0/Stadtdialog.Server.dll]
               [--port 5091] [--levels 1,50,200] [--seconds 20] [--warmup 3] [--first-token-ms 150] [--token-ms 20]
        """;

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions("src/Stadtdialog.Server/bin/Release/net10.0/Stadtdialog.Server.dll", 5091, [1, 50, 200], 20, 3, 150, 20);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--server-dll" => options with { ServerDll = value },
                "--port" => options with { Port = int.Parse(value, CultureInfo.InvariantCulture) },
                "--levels" => options with { Levels = [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] },
                "--seconds" => options with { Seconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => options with { WarmupSeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--first-token-ms" => options with { FirstTokenMs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--token-ms" => options with { TokenMs = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => null,
            };
            if (options is null)
            {
                return null;
            }
        }

        return File.Exists(options.ServerDll) ? options : null;
    }
}
