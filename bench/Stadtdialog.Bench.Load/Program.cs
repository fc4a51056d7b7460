using System.Globalization;
using Stadtdialog.Bench;
using Stadtdialog.Bench.Load;

// A bounded loopback load driver for the chat endpoint: N workers, each with one turn in flight, for a fixed time.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Concurrency + 2,
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
    ConnectTimeout = TimeSpan.FromSeconds(5),
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
};
using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
var driver = new LoadDriver(options, http);

Console.WriteLine($"Stadtdialog load – {TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
Console.WriteLine($"target            {options.Url} tenant '{options.Tenant}' assistant '{options.Assistant}'");
Console.WriteLine($"load              {options.Concurrency} concurrent workers, {options.TurnsPerConversation} turns per conversation, " +
    $"{Questions.All.Length} rotating questions, {Environment.ProcessorCount} logical CPUs shared with the server");
Console.WriteLine($"load average      {MachineInfo.LoadAverage()} before the run");

using (var preflight = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds)))
{
    if (await driver.PreflightAsync(preflight.Token) is { } problem)
    {
        Console.Error.WriteLine($"error: cannot start a conversation at {options.Url}: {problem}");
        Console.Error.WriteLine("Is the server running? dotnet run -c Release --project src/Stadtdialog.Server --urls http://127.0.0.1:5080");
        return 2;
    }
}

var result = await driver.RunAsync();
result.Print(Console.Out);
Console.WriteLine($"load average      {MachineInfo.LoadAverage()} after the run");
return result.Errors == 0 ? 0 : 1;
