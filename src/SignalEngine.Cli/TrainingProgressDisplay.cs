using SignalEngine.Training;
using Spectre.Console;

namespace SignalEngine.Cli;

/// <summary>A progress bar over a training run's steps, with the step being done as its description.</summary>
internal static class TrainingProgressDisplay
{
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                result = work(new SynchronousProgress<TrainingProgress>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Completed;
                    task.Description = Markup.Escape(p.Step);
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }
}

/// <summary>Progress reported on the caller's thread, so the display updates while training runs.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
