using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Stadtdialog.Bench;

// Latency of a live-data turn (data tool answer, no language model) against the server's own loopback demo data
// platform: warm cache (the connection's cacheSeconds = 60), cold cache (cacheSeconds = 0: every turn reads the Things
// and the latest observation over HTTP) and 50 concurrent clients with a warm cache.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

const string Question = "Wie viele Plätze sind im Parkhaus am Bahnhof frei?";
const string Tenant = "musterstadt";

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };

Console.WriteLine($"Stadtdialog live-data turn – {TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
Console.WriteLine($"question          \"{Question}\" (no language model configured; data tool over the loopback demo platform)");
Console.WriteLine($"machine           {Environment.ProcessorCount} logical CPUs shared by server, demo platform and driver; load average {MachineInfo.LoadAverage()}");

var data = Path.Combine(Path.GetTempPath(), "stadtdialog-bench-livedata-" + Guid.NewGuid().ToString("N"));
using var server = StartServer(options, data);
try
{
    var baseUrl = $"http://127.0.0.1:{options.Port}";
    await WaitUntilReadyAsync(http, baseUrl);

    var rows = new List<string>();
    var warm = await RunAsync(http, baseUrl, options, concurrency: 1, options.Turns);
    rows.Add(Row("warm cache, 1 client", warm.Samples, null));

    await SetCacheSecondsAsync(http, baseUrl, 0);
    var cold = await RunAsync(http, baseUrl, options, concurrency: 1, options.Turns);
    rows.Add(Row("cold cache (cacheSeconds 0), 1 client", cold.Samples, null));

    await SetCacheSecondsAsync(http, baseUrl, 60);
    var parallel = await RunAsync(http, baseUrl, options, concurrency: options.Concurrency, options.ConcurrentTurns);
    rows.Add(Row($"warm cache, {options.Concurrency} clients", parallel.Samples, parallel.Samples.Count / parallel.Elapsed.TotalSeconds));

    Console.WriteLine();
    Console.WriteLine("| scenario | n | p50 | p90 | p99 | max | turns/s |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    rows.ForEach(Console.WriteLine);
    Console.WriteLine($"load average      {MachineInfo.LoadAverage()} after the run");
    return 0;
}
catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return 1;
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

static Process StartServer(BenchOptions options, string data) =>
    BenchServer.Start(options.ServerDll, options.Port, data, BenchOptions.AdminKey);

static async Task WaitUntilReadyAsync(HttpClient http, string baseUrl)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromMinutes(3))
    {
        try
        {
            // The demo tenant is provisioned on first start: its assistants answer once it exists.
            using var response = await http.GetAsync($"{baseUrl}/api/tenants/{Tenant}/assistants");
            if (response.IsSuccessStatusCode)
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

static async Task SetCacheSecondsAsync(HttpClient http, string baseUrl, int seconds)
{
    using var list = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/api/tenants/{Tenant}/data/connections");
    list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BenchOptions.AdminKey);
    using var listed = await http.SendAsync(list);
    listed.EnsureSuccessStatusCode();
    var connections = await listed.Content.ReadFromJsonAsync<JsonElement>();
    var items = connections.ValueKind == JsonValueKind.Array ? connections : connections.GetProperty("items");
    var connection = items.EnumerateArray().FirstOrDefault(c => c.GetProperty("id").GetString() == "udp-sensorthings");
    if (connection.ValueKind != JsonValueKind.Object)
    {
        throw new InvalidOperationException("the demo tenant has no data connection 'udp-sensorthings'");
    }

    using var put = new HttpRequestMessage(HttpMethod.Put, $"{baseUrl}/api/tenants/{Tenant}/data/connections/udp-sensorthings")
    {
        Content = JsonContent.Create(new
        {
            name = connection.GetProperty("name").GetString(),
            kind = connection.GetProperty("kind").Clone(),
            baseUrl = connection.GetProperty("baseUrl").GetString(),
            auth = connection.GetProperty("auth").Clone(),
            timeoutSeconds = connection.GetProperty("timeoutSeconds").GetInt32(),
            retries = connection.GetProperty("retries").GetInt32(),
            cacheSeconds = seconds,
        }),
    };
    put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BenchOptions.AdminKey);
    using var response = await http.SendAsync(put);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"PUT data connection: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    var stored = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cacheSeconds").GetInt32();
    if (stored != seconds)
    {
        throw new InvalidOperationException($"the connection kept cacheSeconds {stored}, not {seconds}");
    }

    Console.WriteLine($"connection        udp-sensorthings → cacheSeconds {seconds}");
}

static async Task<string> StartConversationAsync(HttpClient http, string baseUrl)
{
    using var response = await http.PostAsJsonAsync($"{baseUrl}/api/tenants/{Tenant}/assistants/buergerservice/conversations", new { });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
}

static async Task<double> TurnAsync(HttpClient http, string baseUrl, string conversation)
{
    var started = Stopwatch.GetTimestamp();
    using var response = await http.PostAsJsonAsync($"{baseUrl}/api/tenants/{Tenant}/conversations/{conversation}/messages", new { text = Question });
    var body = await response.Content.ReadAsStringAsync();
    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"turn: {(int)response.StatusCode} {body}");
    }

    var answer = JsonDocument.Parse(body).RootElement;
    var type = answer.GetProperty("answerType").GetString();
    var text = answer.TryGetProperty("text", out var t) ? t.GetString() : null;
    if (type != "livedata" || text is null || !text.Contains("Uhr", StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"not a live-data answer (answerType '{type}'): {body}");
    }

    return elapsed;
}

static async Task<(List<double> Samples, TimeSpan Elapsed)> RunAsync(HttpClient http, string baseUrl, BenchOptions options, int concurrency, int turns)
{
    // Warm-up: the first turns after a change pay for the catalog, JIT and (cold) the connection pool.
    var conversation = await StartConversationAsync(http, baseUrl);
    for (var i = 0; i < options.Warmup; i++)
    {
        await TurnAsync(http, baseUrl, conversation);
    }

    var next = -1;
    var clock = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        var mine = new List<double>();
        string? current = null;
        var inConversation = 0;
        while (Interlocked.Increment(ref next) < turns)
        {
            // A new conversation every 20 turns keeps the history (and the stored messages per conversation) small.
            if (current is null || inConversation++ % 20 == 0)
            {
                current = await StartConversationAsync(http, baseUrl);
            }

            mine.Add(await TurnAsync(http, baseUrl, current));
        }

        return mine;
    }).ToList();
    var samples = (await Task.WhenAll(workers)).SelectMany(s => s).ToList();
    return (samples, clock.Elapsed);
}

static double Percentile(IReadOnlyCollection<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

static string Row(string scenario, List<double> samples, double? throughput) =>
    string.Create(CultureInfo.InvariantCulture,
        $"| {scenario} | {samples.Count} | {Percentile(samples, 50):0.0} | {Percentile(samples, 90):0.0} | {Percentile(samples, 99):0.0} | " +
        $"{(samples.Count == 0 ? double.NaN : samples.Max()):0.0} | {(throughput is { } tps ? tps.ToString("0", CultureInfo.InvariantCulture) : "–")} |");

internal sealed record BenchOptions(string ServerDll, int Port, int Turns, int Warmup, int Concurrency, int ConcurrentTurns)
{
    public const string AdminKey = "bench-admin-key-00000000001";

    public const string Usage = """
        usage: Stadtdialog.Bench.LiveData [--server-dll src/Stadtdialog.Server/bin/Release/net10.0/Stadtdialog.Server.dll]
               [--port 5093] [--turns 300] [--warmup 20] [--concurrency 50] [--concurrent-turns 3000]
        """;

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions("src/Stadtdialog.Server/bin/Release/net10.0/Stadtdialog.Server.dll", 5093, 300, 20, 50, 3000);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--server-dll" => options with { ServerDll = value },
                "--port" => options with { Port = int.Parse(value, CultureInfo.InvariantCulture) },
                "--turns" => options with { Turns = int.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = int.Parse(value, CultureInfo.InvariantCulture) },
                "--concurrency" => options with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                "--concurrent-turns" => options with { ConcurrentTurns = int.Parse(value, CultureInfo.InvariantCulture) },
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
