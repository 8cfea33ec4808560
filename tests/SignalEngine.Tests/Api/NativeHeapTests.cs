using SignalEngine.Api.Hosting;

namespace SignalEngine.Tests.Api;

public sealed class NativeHeapTests
{
    [Fact]
    public void GlibcTakesTheArenaLimitOnLinux()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null) return;

        NativeHeap.LimitArenas().Should().BeTrue("the service's start must reach glibc's mallopt, not fail quietly");
    }
}
