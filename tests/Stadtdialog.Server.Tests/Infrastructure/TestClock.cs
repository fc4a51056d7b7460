namespace Stadtdialog.Server.Tests.Infrastructure;

/// <summary>
/// A clock that runs in real time from a chosen start and can be moved forward ("six minutes later"). Unlike a
/// stopped fake clock, delays and timers of the server (scheduler ticks, politeness delays of a crawler) pass as usual.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long _offsetTicks = (start - TimeProvider.System.GetUtcNow()).Ticks;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
