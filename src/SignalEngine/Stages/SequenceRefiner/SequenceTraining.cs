using TorchSharp;
using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>The optimisation steps shared by training and online fine-tuning.</summary>
internal static class SequenceTraining
{
    /// <summary>One Adam step of binary cross-entropy with logits on the rows of x at the given indices.</summary>
    public static double Step(
        nn.Module<Tensor, Tensor> network, optim.Optimizer optimizer, Tensor x, Tensor y, ReadOnlySpan<int> rows)
    {
        using var scope = NewDisposeScope();
        var index = tensor(rows.ToArray().Select(r => (long)r).ToArray());
        optimizer.zero_grad();
        var loss = nn.functional.binary_cross_entropy_with_logits(network.call(x.index_select(0, index)), y.index_select(0, index));
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Mean log loss of the network (eval mode, no gradients) on x and y.</summary>
    public static double LogLoss(nn.Module<Tensor, Tensor> network, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var mode = no_grad();
        var wasTraining = network.training;
        network.eval();
        var loss = nn.functional.binary_cross_entropy_with_logits(network.call(x), y).item<float>();
        if (wasTraining) network.train();
        return loss;
    }

    public static Tensor[] Snapshot(nn.Module<Tensor, Tensor> network)
    {
        using var mode = no_grad();
        return network.parameters().Select(p => p.detach().clone()).ToArray();
    }

    public static void Restore(nn.Module<Tensor, Tensor> network, Tensor[] snapshot)
    {
        using var mode = no_grad();
        var parameters = network.parameters().ToArray();
        for (var i = 0; i < parameters.Length; i++) parameters[i].copy_(snapshot[i]);
    }
}
