namespace Stadtdialog.Browser.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (found by walking up to <c>Stadtdialog.slnx</c>).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Stadtdialog.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} contains Stadtdialog.slnx; run the tests from the repository.");
    });

    public static string Root => RootPath.Value;

    public static string DemoScreenshot => Path.Combine(Root, "docs", "images", "demo.png");
}
