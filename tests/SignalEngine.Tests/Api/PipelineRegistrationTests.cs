using Microsoft.Extensions.DependencyInjection;
using SignalEngine.Api.Serving;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Tests.Api.Support;

namespace SignalEngine.Tests.Api;

public sealed class PipelineRegistrationTests
{
    [Fact]
    public void TheStageRolesResolveFromWhicheverBundleIsActiveAfterASwap()
    {
        using var application = SignalEngineApplication.WithFakeBundle();
        var services = application.Services;
        var active = services.GetRequiredService<ActiveBundle>();
        services.GetRequiredService<ITreeFilter>().Should().BeSameAs(active.Current.Bundle.TreeFilter);

        using var next = FakeBundle.Create();
        active.Swap(next);

        services.GetRequiredService<ITreeFilter>().Should().BeSameAs(next.TreeFilter);
        services.GetRequiredService<IReadOnlyList<ISequenceRefiner>>().Should().BeSameAs(next.SequenceRefiners);
        services.GetRequiredService<IMetaLearner>().Should().BeSameAs(next.MetaLearner);
    }
}
