namespace Stadtdialog.Knowledge;

/// <summary>
/// Reports on the caller's thread, in order (<see cref="Progress{T}"/> posts to the thread pool, so reports can
/// arrive late or out of order): for progress bars, job counters and tests.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
