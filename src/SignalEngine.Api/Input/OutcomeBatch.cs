using SignalEngine.Labels;
using SignalEngine.Pipeline;

namespace SignalEngine.Api.Input;

/// <summary>
/// The body of POST /outcomes: for earlier signals, the realised label or forward return; and/or new labelled bars
/// of an instrument (the POST /signals item shape plus its realised label), learned as if they had been signals.
/// The OpenAPI document describes it; <see cref="OutcomeBatchReader"/> reads it.
/// </summary>
public sealed record OutcomeBatch(IReadOnlyList<OutcomeItem>? Outcomes, IReadOnlyList<LabelledBar>? Bars);

/// <summary>A bar with its features (and history) as in POST /signals, and the label it turned out to have.</summary>
public sealed record LabelledBar(
    string Instrument, DateTimeOffset Timestamp, IReadOnlyDictionary<string, double> Features,
    IReadOnlyList<IReadOnlyDictionary<string, double>>? History, MarketContext? Context, string Label);

/// <param name="Label">buy, sell or hold: the triple-barrier label that was realised.</param>
/// <param name="ForwardReturn">Or the log return over the label horizon, turned into a label (see the endpoint).</param>
public sealed record OutcomeItem(Guid SignalId, string? Label, double? ForwardReturn);

/// <summary>An outcome as read: the signal it is for, and exactly one of a label and a forward return.</summary>
/// <param name="Field">Where it was in the body ("outcomes[2]"), for problems found later (an unknown signal).</param>
public sealed record OutcomeClaim(string Field, Guid SignalId, SignalAction? Label, double? ForwardReturn);

/// <summary>A labelled bar as read: a validated pipeline input and its label.</summary>
public sealed record LabelledInput(SignalInput Input, SignalAction Label);

/// <summary>A parsed outcome batch, or every problem found keyed by the field.</summary>
public sealed record OutcomeBatchParse(IReadOnlyList<OutcomeClaim> Outcomes, IReadOnlyList<LabelledInput> Bars, IDictionary<string, string[]>? Errors);
