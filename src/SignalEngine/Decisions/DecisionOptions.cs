namespace SignalEngine.Decisions;

/// <summary>How a signal is decided and sized from stage 3's posterior: the same at training, serving and evaluation.</summary>
public sealed record DecisionOptions
{
    public BarrierTradeRuleOptions Trade { get; init; } = new();
    public BetSizingOptions Sizing { get; init; } = new();
}
