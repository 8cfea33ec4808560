using Serilog;
using SignalEngine.Api.Audit;
using SignalEngine.Api.Dashboard;
using SignalEngine.Api.Health;
using SignalEngine.Api.Learning;
using SignalEngine.Api.Metrics;
using SignalEngine.Api.Replicas;
using SignalEngine.Api.Serving;

// The container's HEALTHCHECK: a readiness probe of the running service, no host of its own.
if (HealthProbe.IsRequested(args)) return HealthProbe.Run(args);

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddDefaultsFromBinaries();

// Application log (request logging included); the audit trail has its own logger below.
builder.Services.AddAppLogging(builder.Configuration);
builder.Services.AddApiDefaults();
builder.Services.AddGatewaySupport(); // X-Forwarded-* from the gateway, the /signalengine sub-path
builder.Services.AddApiKeys();         // who calls, with which roles; a first-start admin key when none is configured
builder.Services.AddRequestLimits();   // per-key rate limits, request timeouts, body limit, no Server banner

// The bundle is loaded and checked at start: a bad path or artifact stops the process, not the first request.
builder.Services.AddSignalPipeline();
builder.Services.AddSignalStore();
builder.Services.AddAuditLog();
builder.Services.AddSingleton<SignalRecorder>(); // store + audit, all or nothing, before any answer
builder.Services.AddOnlineLearning(); // outcomes, model registry, background learner (off unless OnlineLearning:Enabled)
builder.Services.AddReplicaAgreement(); // every replica serves the registry's version; one of them learns
builder.Services.AddReadinessChecks();
builder.Services.AddSignalEngineMetrics(); // Prometheus on /metrics: latency per endpoint and stage, signals, learning
builder.Services.AddSignalsSwagger();

var app = builder.Build();

app.UseGatewaySupport();
app.UseResponseHeaders(); // nosniff on every answer
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSerilogRequestLogging();
app.UseSignalsSwagger();
app.UseRequestPolicies(); // who calls, may they, within their budget and time

app.MapSignals();
app.MapModels();
app.MapReplica();
app.MapOutcomes();
app.MapHealth();
app.MapMetrics();
app.MapDashboard(); // the read-only page at /dashboard, over the endpoints above

// A bad configuration or bundle ends here with one line on stderr and exit code 1.
return StartupFailure.RunOrExplain(app);

public partial class Program;
