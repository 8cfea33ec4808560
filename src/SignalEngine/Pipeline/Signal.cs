using SignalEngine.Decisions;
using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Pipeline;

/// <summary>A buy / sell / hold signal with its calibrated confidence, its bet size and each stage's output.</summary>
/// <param name="BetSize">Signed position size in [-1, 1] for position sizing: positive long, negative short, 0 for HOLD.</param>
/// <param name="Reason">Why the action: the stage-1 filter's reason, or the trade rule's ("expected payoff beats cost",
/// "edge below cost", "uncertain").</param>
public sealed record Signal(
    Guid Id,
    string Instrument,
    DateTimeOffset Timestamp,
    SignalAction Action,
    double Confidence,
    ClassProbabilities Probabilities,
    CredibleInterval Interval,
    double BetSize,
    string? Reason,
    StageOutputs Stages,
    string ModelVersion);

public sealed record StageOutputs(
    TreeFilterResult TreeFilter,
    IReadOnlyList<SequenceRefinerResult> Sequence,
    MetaStageOutput Meta);

/// <summary>Stage 3's view of the item: the context it used and its posterior predictive.</summary>
public sealed record MetaStageOutput(
    string Model,
    string Regime,
    double Liquidity,
    ClassProbabilities Probabilities,
    double PosteriorStdDev);

/// <summary>Why a signal is what it is, stage by stage; stored with the signal and audited.</summary>
public sealed record SignalExplanation(
    Guid SignalId,
    string ModelVersion,
    TreeExplanation TreeFilter,
    IReadOnlyList<RuleHit> RulesFired,
    IReadOnlyList<SequenceExplanation> Sequence,
    MetaExplanation Meta);

/// <summary>A sequence model's attribution, or the reason it abstained.</summary>
public sealed record SequenceExplanation(string Model, SequenceAttribution? Attribution, string? AbstainReason);

/// <summary>
/// Stage 3 and the decision: each input's contribution to each class logit, the uncertainty, which stage moved it most,
/// the trade rule's weighing (expected payoff net of cost, share of posterior draws in favour) and what moved the bet
/// size (the probability, its posterior standard deviation, the shrunk probability, the size before rounding).
/// </summary>
public sealed record MetaExplanation(
    SignalAction Action,
    IReadOnlyList<LogitContribution> Contributions,
    double PosteriorStdDev,
    CredibleInterval Interval,
    string MostInfluentialStage,
    TradeDecision? Trade,
    BetSize? Sizing);

/// <summary>A signal and its explanation, as the pipeline produces them.</summary>
public sealed record PipelineResult(Signal Signal, SignalExplanation Explanation, SignalInput Input);
