using SignalEngine.Api.Audit;
using SignalEngine.Api.Learning;
using SignalEngine.Bundle;
using SignalEngine.Labels;
using SignalEngine.Stages;

namespace SignalEngine.Api.Serving;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/models").WithTags("Models")
            .RequireAccess(Access.Signals);
        var admin = routes.MapGroup("/models").WithTags("Models")
            .RequireAccess(Access.Admin);
        group.MapGet("/", GetModels)
            .WithName("GetModels")
            .WithSummary("Every version this service has served or built: parent, status (serving, candidate, rejected, retired), shadow metrics");
        admin.MapPost("/{version}/activate", Activate)
            .WithName("ActivateModel")
            .WithSummary("Serve a registered version from now on: promote a candidate by hand, or roll back")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/current", GetCurrent)
            .WithName("GetCurrentModel")
            .WithSummary("The model being served: what a client must send and how well it did out of sample");
        group.MapGet("/{version}/importance", GetImportance)
            .WithName("GetModelImportance")
            .WithSummary("Global stage-1 feature importance of a model version: mean |TreeSHAP|, split gain, permutation importance on the training data's last fold")
            .Produces<SignalEngine.Explanations.ModelImportance>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<ModelEntry>>> GetModels(
        ModelLifecycle lifecycle, ModelRegistry registry, IHostEnvironment environment, CancellationToken cancellationToken)
    {
        await lifecycle.EnsureServingRegisteredAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ModelEntry>>((await registry.AllAsync(cancellationToken)).Select(e => Answered(e, environment)).ToArray());
    }

    private static async Task<Results<Ok<ModelEntry>, ProblemHttpResult>> Activate(
        string version, HttpContext http, ModelLifecycle lifecycle, IHostEnvironment environment, CancellationToken cancellationToken) =>
        await lifecycle.ActivateVersionAsync(version, AuditContext.Of(http), cancellationToken) is { } entry
            ? TypedResults.Ok(Answered(entry, environment))
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Model version not found",
                detail: $"no registered model has the version '{version}' (GET /models lists them)");

    /// <summary>
    /// An entry as a client sees it: the bundle's directory relative to the models root (the content root's models/),
    /// or just its folder name when it lies elsewhere; an answer never shows the server's absolute paths.
    /// </summary>
    private static ModelEntry Answered(ModelEntry entry, IHostEnvironment environment)
    {
        var relative = Path.GetRelativePath(environment.ResolvePath("models"), entry.Directory);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFileName(entry.Directory.TrimEnd('/')) : relative;
        return entry with { Directory = shown };
    }

    /// <summary>Computed once at training and kept in the bundle (stage1/importance.json): it needs the training data.</summary>
    private static Results<ContentHttpResult, ProblemHttpResult> GetImportance(string version, ActiveBundle active)
    {
        var bundle = active.Current.Bundle;
        if (version != "current" && !string.Equals(version, bundle.Version, StringComparison.Ordinal))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Model version not found",
                detail: $"model version '{version}' is not loaded; this service serves {bundle.Version}");
        }
        var path = Path.Combine(bundle.Directory, SignalEngine.Bundle.BundleLoader.ImportancePath);
        return File.Exists(path)
            ? TypedResults.Text(File.ReadAllText(path), "application/json")
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "No importance recorded",
                detail: $"model {bundle.Version} was trained before bundles recorded global importance; retrain it");
    }

    private static Ok<ModelDescription> GetCurrent(ActiveBundle active)
    {
        var bundle = active.Current.Bundle;
        var manifest = bundle.Manifest;
        return TypedResults.Ok(new ModelDescription(
            manifest.Version,
            manifest.Created,
            manifest.Parent,
            manifest.FeatureSchema,
            manifest.WindowLength,
            manifest.WindowLength - 1,
            new ModelStages(bundle.TreeFilter.Model, bundle.SequenceRefiners.Select(r => r.Model).ToArray(), bundle.MetaLearner.Model),
            manifest.Labels,
            manifest.Metrics.ToTable().ToDictionary(
                stage => stage.Key,
                stage => (IReadOnlyDictionary<string, double?>)stage.Value.ToDictionary(m => m.Key, m => double.IsFinite(m.Value) ? m.Value : (double?)null)),
            manifest.Hyperparameters,
            manifest.TrainingDataFile,
            manifest.TrainingDataSha256));
    }
}

/// <summary>The served model as a client sees it.</summary>
/// <param name="FeatureSchema">Feature names every item (and every history row) must carry, in the model's order.</param>
/// <param name="WindowLength">T: rows per stage-2 window, the item's own row included.</param>
/// <param name="HistoryLength">T - 1: history rows an item needs for stage 2 not to abstain.</param>
/// <param name="Metrics">Out-of-sample (walk-forward) metrics per stage; null where a metric is undefined on the
/// out-of-sample data (the manifest's NaN or infinity, e.g. precision with no positive prediction): JSON has no NaN.</param>
public sealed record ModelDescription(
    string Version,
    DateTimeOffset Created,
    string? Parent,
    IReadOnlyList<string> FeatureSchema,
    int WindowLength,
    int HistoryLength,
    ModelStages Stages,
    LabelConfig Labels,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>> Metrics,
    TrainingOptions Hyperparameters,
    string TrainingDataFile,
    string TrainingDataSha256);

public sealed record ModelStages(ModelStamp TreeFilter, IReadOnlyList<ModelStamp> Sequence, ModelStamp Meta);
