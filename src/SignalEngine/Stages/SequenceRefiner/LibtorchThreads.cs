using System.Collections.Concurrent;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// The few threads that serve stage 2's libtorch work (scoring and attribution), one per core: a caller hands its work
/// over and waits for it.
/// </summary>
/// <remarks>
/// Why not the caller's own thread: glibc's malloc gives each thread that allocates an arena of its own (up to 8 per
/// core) and serves libtorch's tensors of 0.1 to 4 MB from it, since its mmap threshold rises to the largest block
/// freed. Integrated gradients allocate and free such tensors by the hundred per batch, and run on whichever pool or
/// request thread the batch lands on, so every one of some 15 arenas grew to a batch's high-water mark and kept it,
/// fragmented: 330 to 430 MB of resident memory in arenas, RSS up a third between 10,000 and 100,000 signals. On
/// these threads libtorch touches as many arenas as there are cores. Fixing the mmap threshold instead (mallopt)
/// returned the memory too, but mapping and faulting in every large tensor afresh cost a batch of 1,000 about a third
/// more CPU time. Outputs do not depend on which thread runs the work (one intra-op thread, calls independent).
/// </remarks>
internal static class LibtorchThreads
{
    private static readonly BlockingCollection<Action> Queue = [];

    [ThreadStatic]
    private static bool onWorker;

    static LibtorchThreads()
    {
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            new Thread(Serve) { IsBackground = true, Name = $"libtorch {i}" }.Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on one of the threads and returns its result (or throws its exception) here.</summary>
    public static T Run<T>(Func<T> work)
    {
        if (onWorker) return work();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    private static void Serve()
    {
        onWorker = true;
        foreach (var work in Queue.GetConsumingEnumerable()) work();
    }
}
