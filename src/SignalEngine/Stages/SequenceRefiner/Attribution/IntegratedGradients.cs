using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner.Attribution;

/// <summary>
/// Integrated gradients of a refiner's output logit with respect to the standardised input, from the training-mean
/// window to the explained one. Kept beside the refiners rather than in Explanations: that namespace sits above the
/// stages and builds on their outputs, while this needs a refiner's network and standardisation.
/// </summary>
internal static class IntegratedGradients
{
    /// <summary>Riemann steps (midpoint rule), evaluated in one batched pass.</summary>
    public const int IntegrationSteps = 64;

    /// <summary>The documented attribution baseline.</summary>
    public const string BaselineDescription =
        "training-mean window: every feature at its training mean at every step (all zeros after standardisation)";

    /// <summary>
    /// The midpoint rule over <see cref="IntegrationSteps"/> points in one batched forward and backward pass, with
    /// dropout off. Each attribution is in logit units, the same whether read against the standardised or the raw
    /// feature (the standardisation is affine per feature).
    /// </summary>
    public static SequenceAttribution Attribute(TorchSequenceRefiner refiner, double[][] window)
    {
        ArgumentNullException.ThrowIfNull(window);
        refiner.CheckWindow(window, 0, nameof(window));
        var length = refiner.WindowLength;
        var features = refiner.Schema.Count;
        var input = refiner.Scaler.Transform([window], length);

        var (gradients, baselineOutput, output) = refiner.UseNetwork(network =>
        {
            using var scope = NewDisposeScope();
            network.eval();
            var x = tensor(input, [1, length, features]);
            var alphas = (arange(IntegrationSteps, dtype: ScalarType.Float32) + 0.5f) / IntegrationSteps;
            var path = (alphas.view(IntegrationSteps, 1, 1) * x).detach().requires_grad_(true);
            var outputs = network.call(path);
            var grads = autograd.grad([outputs.sum()], [path])[0];
            var mean = grads.mean([0]).data<float>().ToArray();
            using (no_grad())
            {
                var ends = network.call(cat([zeros_like(x), x], 0)).data<float>().ToArray();
                return (mean, (double)ends[0], (double)ends[1]);
            }
        });

        var attributions = new double[length][];
        var totals = new double[features];
        var sum = 0.0;
        for (var t = 0; t < length; t++)
        {
            attributions[t] = new double[features];
            for (var f = 0; f < features; f++)
            {
                var i = t * features + f;
                var a = (double)input[i] * gradients[i];
                attributions[t][f] = a;
                totals[f] += a;
                sum += a;
            }
        }
        return new SequenceAttribution(
            refiner.Model.Name, BaselineDescription, output, baselineOutput, refiner.Schema.Names, attributions, totals,
            Math.Abs(sum - (output - baselineOutput)));
    }
}
