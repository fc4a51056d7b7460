using System.Diagnostics;

namespace Stadtdialog.Bench;

/// <summary>The built server as a child process, the way an operator runs it (Production, logging at Warning).</summary>
internal static class BenchServer
{
    /// <summary>
    /// Starts <paramref name="serverDll"/> on 127.0.0.1:<paramref name="port"/> with its data in
    /// <paramref name="dataDirectory"/>, no chat rate limit, <paramref name="adminKey"/> as operator key and the extra
    /// <paramref name="settings"/> (environment variables such as <c>Stadtdialog__Llm__Endpoint</c>). The server's
    /// error output is passed on with a "[server]" prefix.
    /// </summary>
    public static Process Start(string serverDll, int port, string dataDirectory, string adminKey,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        // --urls on the command line: it wins over the "Urls" of appsettings.json (ASPNETCORE_URLS would not).
        var start = new ProcessStartInfo("dotnet", [Path.GetFullPath(serverDll), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(serverDll))!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Stadtdialog__Data__Directory"] = dataDirectory;
        start.Environment["Stadtdialog__Chat__MessagesPerMinutePerClient"] = "0";
        start.Environment["Stadtdialog__Admin__ApiKeys__0"] = adminKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine("[server] " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
