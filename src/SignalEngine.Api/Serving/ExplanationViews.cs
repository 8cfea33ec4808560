using SignalEngine.Explanations;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Api.Serving;

/// <summary>
/// The other views of a stored explanation: a LIME surrogate of stage 1 computed on request, and a waterfall
/// picture of the stored TreeSHAP contributions.
/// </summary>
public static class ExplanationViews
{
    public const string Shap = "shap";
    public const string Lime = "lime";

    /// <summary>A LIME-style local surrogate of stage 1's combined score around the signal's own feature row.</summary>
    public static Results<ContentHttpResult, Ok<LimeView>, ProblemHttpResult> LimeOf(SignalRecord record, ActiveBundle active)
    {
        var model = active.Current;
        var bundle = model.Bundle;
        if (!string.Equals(record.ModelVersion, bundle.Version, StringComparison.Ordinal))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The signal's model is not loaded",
                detail: $"signal {record.Id} was made by model {record.ModelVersion}; the service now serves {bundle.Version}, and a LIME surrogate must query the model that made the signal");
        }
        if (bundle.Manifest.FeatureScales is not { } scales || scales.Count != bundle.Schema.Count)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The model has no feature scales",
                detail: $"model {bundle.Version} was trained before bundles recorded feature scales; retrain it to get LIME explanations");
        }

        var item = JsonSerializer.Deserialize<FeatureBatchItem>(record.InputJson, ApiDefaults.Json)!;
        var row = bundle.Schema.Names.Select(n => item.Features[n]).ToArray();
        var explanation = new LimeExplainer().Explain(LimeExplainer.StageOneScore(bundle.TreeFilter), row, bundle.Schema.Names, scales);
        return TypedResults.Ok(new LimeView(record.Id, record.ModelVersion, Lime, "stage 1 combined score (log-odds of actionable)", explanation));
    }

    /// <summary>SVG waterfall of the stored stage-1 contributions: base value, top features, the rest, the score.</summary>
    public static ContentHttpResult WaterfallOf(SignalRecord record)
    {
        using var explanation = JsonDocument.Parse(record.ExplanationJson);
        using var signal = JsonDocument.Parse(record.SignalJson);
        var tree = explanation.RootElement.GetProperty("treeFilter").Deserialize<TreeExplanation>(ApiDefaults.Json)!;
        var probability = signal.RootElement.GetProperty("stages").GetProperty("treeFilter").GetProperty("probabilityActionable").GetDouble();
        var svg = WaterfallSvg.Render(tree, record.Action, probability, record.Id);
        return TypedResults.Text(svg, "image/svg+xml");
    }
}

/// <summary>A LIME surrogate of one stored signal, computed on request.</summary>
public sealed record LimeView(Guid SignalId, string ModelVersion, string Method, string Explains, LimeExplanation Lime);
