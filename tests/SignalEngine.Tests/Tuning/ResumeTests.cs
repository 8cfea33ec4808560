using SignalEngine.Tuning;

namespace SignalEngine.Tests.Tuning;

public sealed class ResumeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tune-resume-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(3)]
    [InlineData(14)]
    public void ARunKilledAfterKTrialsAndResumedRepeatsTheUninterruptedSequence(int killedAfter)
    {
        const int total = 30;
        var uninterrupted = Search(Path.Combine(_directory, $"whole-{killedAfter}.csv"), total, resume: false);

        var path = Path.Combine(_directory, $"killed-{killedAfter}.csv");
        Search(path, killedAfter, resume: false);
        var resumed = Search(path, total, resume: true);

        resumed.Should().HaveCount(total);
        uninterrupted.Should().Contain(t => t.State == TrialState.Pruned, "the replay must also carry the pruner's state");
        for (var i = 0; i < total; i++)
        {
            resumed[i].Number.Should().Be(uninterrupted[i].Number);
            resumed[i].Parameters.SameValues(uninterrupted[i].Parameters).Should().BeTrue($"trial {i} after resuming at {killedAfter}");
            resumed[i].State.Should().Be(uninterrupted[i].State);
            resumed[i].Score.Should().Be(uninterrupted[i].Score);
        }
    }

    /// <summary>One worker, seed 17, trials appended to the log as they end; "resume" replays the log first, as tune --resume does.</summary>
    private static IReadOnlyList<Trial> Search(string path, int trials, bool resume)
    {
        var log = new TrialLog(path, ShiftedQuadratic.Space);
        var replay = resume ? log.Read() : [];
        new HyperparameterSearch(ShiftedQuadratic.Space, new ShiftedQuadratic(), new SearchSettings { Trials = trials, Seed = 17, Workers = 1 })
            .Run(replay, log.Append);
        return log.Read();
    }
}
