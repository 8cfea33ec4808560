using SignalEngine.Bundle;

namespace SignalEngine.Pipeline;

/// <summary>
/// Composes the three stages of one bundle: tree filter, sequence refiners, meta-learner. Stateless apart from the
/// bundle, so one instance serves concurrent requests.
/// </summary>
public sealed class SignalPipeline(ModelBundle bundle)
{
    public ModelBundle Bundle { get; } = bundle;

    /// <summary>Signals and explanations for validated items, in item order; ids are new.</summary>
    public IReadOnlyList<PipelineResult> Run(IReadOnlyList<SignalInput> items) =>
        throw new InvalidOperationException("the pipeline is being built");
}
