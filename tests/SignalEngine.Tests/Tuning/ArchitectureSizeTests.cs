using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Tuning;
using TorchSharp;

namespace SignalEngine.Tests.Tuning;

public sealed class ArchitectureSizeTests
{
    [Theory]
    [InlineData("lstm", 1, 32, 2, 32)]
    [InlineData("lstm", 3, 48, 4, 16)]
    [InlineData("transformer", 1, 16, 2, 24)]
    [InlineData("transformer", 2, 64, 8, 48)]
    public void TheParameterCountIsThatOfTheNetworkTorchSharpBuilds(string kind, int layers, int hidden, int heads, int window)
    {
        const int features = 19;
        var genome = new ArchitectureGenome(kind, layers, hidden, heads, 0.1, window, 1e-3);
        var options = genome.Apply(new SequenceModelOptions());
        using torch.nn.Module<torch.Tensor, torch.Tensor> network = kind == "lstm"
            ? new LstmNetwork(features, options)
            : new TransformerNetwork(features, options);

        genome.ParameterCount(features).Should().Be(network.parameters().Sum(p => p.numel()));
    }
}
