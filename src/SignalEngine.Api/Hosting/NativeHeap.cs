using System.Runtime.InteropServices;

namespace SignalEngine.Api.Hosting;

/// <summary>
/// Caps glibc's malloc arenas at two, as setting MALLOC_ARENA_MAX=2 does, for the threads that start after it (all of
/// the thread pool's). glibc gives each thread that allocates natively (libtorch, LightGBM, Brotli, SQLite) an arena
/// of its own, up to 8 per core, and freed memory stays fragmented in them: in a 100,000-signal soak the service's
/// resident memory rose by a third past 10,000 signals while the managed heap stayed flat; with two arenas it was
/// lower from the start and near flat (README, Benchmarks). A variable set by the operator wins; other C libraries
/// (musl) have no arenas and are left alone.
/// </summary>
internal static class NativeHeap
{
    private const int ArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    public static void LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null) return;
        try
        {
            mallopt(ArenaMax, 2);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code for a call that marshals two ints.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
