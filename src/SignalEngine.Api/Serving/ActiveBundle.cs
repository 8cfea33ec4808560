using SignalEngine.Bundle;
using SignalEngine.Pipeline;

namespace SignalEngine.Api.Serving;

/// <summary>A bundle and the pipeline composed over it: what one request is served by, start to end.</summary>
public sealed record ServingModel(ModelBundle Bundle, SignalPipeline Pipeline)
{
    public string Version => Bundle.Version;
}

/// <summary>
/// The model the service serves now. A request reads <see cref="Current"/> once and uses that model throughout, so a
/// swap (the online-learning issue) never gives one request two versions; the swap itself is one reference exchange.
/// </summary>
/// <remarks>With <paramref name="stages"/>, every served pipeline runs over the bundle's stages timed (a metrics wrapper).</remarks>
public sealed class ActiveBundle(ModelBundle bundle, Metrics.StageDurationMetrics? stages = null)
{
    private ServingModel _current = Serve(bundle, stages);

    public ServingModel Current => Volatile.Read(ref _current);

    /// <summary>Serves <paramref name="next"/> from now on; returns the model it replaced, for its owner to dispose once drained.</summary>
    public ServingModel Swap(ModelBundle next) =>
        Interlocked.Exchange(ref _current, Serve(next, stages));

    private static ServingModel Serve(ModelBundle bundle, Metrics.StageDurationMetrics? stages) =>
        new(bundle, new SignalPipeline(stages is null ? bundle.Stages : stages.Timed(bundle)));
}
