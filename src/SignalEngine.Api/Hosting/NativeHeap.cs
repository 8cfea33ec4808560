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

    /// <summary>True when glibc took the limit; false on another C library or where the operator set the variable.</summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null) return false;
        try
        {
            return mallopt(ArenaMax, 2) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code for a call that marshals two ints. The
    // library by its soname: "libc" alone finds Debian's libc.so, a linker script that cannot be loaded.
    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
