namespace Stadtdialog.Bench;

/// <summary>What else the machine is doing: benchmark figures are only as quiet as the machine.</summary>
internal static class MachineInfo
{
    /// <summary>The 1/5/15-minute load averages from <c>/proc/loadavg</c>, or "n/a" off Linux.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg")
                ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
                : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
