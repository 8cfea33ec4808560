using System.Collections.ObjectModel;
using System.Diagnostics;

namespace SignalEngine.Tests.Api.Support;

/// <summary>
/// The spans an in-memory exporter hands over (<c>AddInMemoryExporter(spans)</c>), with a wait for the first one that
/// matches: a request's span ends after its response has reached the client, so a test waits for the export itself.
/// </summary>
public sealed class ObservedSpans : Collection<Activity>
{
    private readonly List<(Func<Activity, bool> Matches, TaskCompletionSource<Activity> Found)> _waiters = [];

    /// <summary>Every span exported so far.</summary>
    public Activity[] Snapshot()
    {
        lock (_waiters) return [.. this];
    }

    /// <summary>The first exported span that matches, already exported or the next to be; fails after <paramref name="timeout"/>.</summary>
    public Task<Activity> FirstAsync(Func<Activity, bool> matches, TimeSpan timeout)
    {
        lock (_waiters)
        {
            if (this.FirstOrDefault(matches) is { } span) return Task.FromResult(span);
            var found = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((matches, found));
            return found.Task.WaitAsync(timeout);
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_waiters)
        {
            base.InsertItem(index, item);
            foreach (var waiter in _waiters.Where(w => w.Matches(item)).ToArray())
            {
                waiter.Found.TrySetResult(item);
                _waiters.Remove(waiter);
            }
        }
    }
}
