using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using SignalEngine.Api.Serving;
using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Pipeline;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Support;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium (Debian's chromium and chromium-driver, through Selenium) against the real host
/// on Kestrel and a temporary store: one host serving the shipped OHLCV bundle with real signals and outcomes of the
/// last bars of data/ttrc.csv, one empty host under the gateway's sub-path. A screenshot of each view goes to
/// <see cref="DashboardBrowser.Screenshots"/>.
/// </summary>
[Trait("Category", "Browser")]
public sealed class DashboardBrowserTests(DashboardBrowser browser, ITestOutputHelper output) : IClassFixture<DashboardBrowser>
{
    private IWebDriver Driver => browser.Driver;

    private void Open(string url, string state)
    {
        Driver.Navigate().GoToUrl(url);
        browser.WaitForState(state);
    }

    private void Screenshot(string name)
    {
        var path = browser.Screenshot(name);
        output.WriteLine($"screenshot: {path}");
    }

    private string[] TableInstrumentsAndActions() =>
        Driver.FindElements(By.CssSelector("#signals-table tbody tr"))
            .Select(r => r.FindElements(By.TagName("td"))).Select(c => $"{c[1].Text}:{c[2].Text.ToLowerInvariant()}").ToArray();

    [Fact]
    public void PostedSignalsAppearInTheTableNewestFirstAndTheLinkKeyLeavesTheAddressAtOnce()
    {
        Open(browser.Signals.Url + "/dashboard?key=" + SignalEngineApplication.Keys["signals"] + "#/signals", "ready");

        Driver.Url.Should().NotContain("key=", "the key leaves the address bar and the history at once");
        ((IJavaScriptExecutor)Driver).ExecuteScript("return sessionStorage.getItem('signalengine.key')").Should().Be(SignalEngineApplication.Keys["signals"]);
        var rows = Driver.FindElements(By.CssSelector("#signals-table tbody tr"));
        rows.Select(r => r.GetAttribute("data-id")).Should().Equal(browser.Signals.Posted.Take(25), "the first page lists the newest stored signals first");
        var first = rows[0].FindElements(By.TagName("td"));
        first[3].Text.Should().MatchRegex(@"^0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]$", "confidence with its credible interval");
        first[5].Text.Should().BeOneOf("stage 1 (tree filter)", "stage 3 (meta-learner)");
        Driver.FindElement(By.Id("serving")).Text.Should().Contain(browser.Signals.ModelVersion);
        Screenshot("dashboard-signals");

        Driver.FindElement(By.Id("older")).Click();
        browser.WaitFor(() => Driver.FindElements(By.CssSelector("#signals-table tbody tr")).Count == browser.Signals.Posted.Count - 25, "the second page");
        Driver.FindElements(By.CssSelector("#signals-table tbody tr")).Select(r => r.GetAttribute("data-id")).Should().Equal(browser.Signals.Posted.Skip(25));
        Driver.FindElement(By.Id("older")).Enabled.Should().BeFalse("the second page is the last");

        browser.Signals.LogText().Should().Contain("key=" + SignalEngine.Api.Hosting.QueryKeyRedaction.Redacted, "the link's request was logged, its key redacted")
            .And.NotContain(SignalEngineApplication.Keys["signals"]);
        browser.Signals.App.AuditLines().Should().NotContain(l => l.Contains(SignalEngineApplication.Keys["signals"]));
    }

    [Fact]
    public void FiltersNarrowTheTable()
    {
        Open(browser.Signals.Url + "/dashboard?key=" + SignalEngineApplication.Keys["signals"] + "#/signals", "ready");
        TableInstrumentsAndActions().Select(r => r.Split(':')[0]).Distinct().Should().BeEquivalentTo(["ttrc", "TTRC-B"]);

        Driver.FindElement(By.Id("filter-instrument")).SendKeys("TTRC-B");
        Driver.FindElement(By.Id("apply-filters")).Click();
        browser.WaitFor(() => Driver.Url.Contains("instrument=TTRC-B") && TableInstrumentsAndActions().All(r => r.StartsWith("TTRC-B:")), "the instrument filter");
        TableInstrumentsAndActions().Should().HaveCount(browser.Signals.SecondInstrumentCount);

        var action = browser.Signals.MostCommonAction;
        Driver.FindElement(By.CssSelector($"#filter-action option[value='{action}']")).Click();
        Driver.FindElement(By.Id("apply-filters")).Click();
        browser.WaitFor(() => Driver.Url.Contains("action=" + action), "the action filter");
        browser.WaitForState("ready", "empty");
        TableInstrumentsAndActions().Should().OnlyContain(r => r == "TTRC-B:" + action);

        Driver.FindElement(By.Id("filter-instrument")).Clear();
        Driver.FindElement(By.Id("filter-instrument")).SendKeys("NO-SUCH");
        Driver.FindElement(By.Id("apply-filters")).Click();
        browser.WaitForState("empty");
        Driver.FindElement(By.Id("signals-empty")).Text.Should().Contain("No signals match");
    }

    [Fact]
    public void ClickingASignalShowsItsStagesWaterfallHeatMapContributionsAndLime()
    {
        Open(browser.Signals.Url + "/dashboard?key=" + SignalEngineApplication.Keys["signals"] + "#/signals", "ready");
        var target = browser.Signals.WithHistory;

        Driver.FindElement(By.CssSelector($"#signals-table tr[data-id='{target}']")).Click();

        browser.WaitFor(() => Driver.Url.EndsWith("#/signal/" + target, StringComparison.Ordinal), "the signal's page");
        browser.WaitForState("ready");
        browser.WaitFor(() => Driver.FindElements(By.CssSelector("#waterfall img")).Count == 1
            && ((IJavaScriptExecutor)Driver).ExecuteScript("const i = document.querySelector('#waterfall img'); return i.complete && i.naturalWidth > 0") is true, "the waterfall image");
        Driver.FindElement(By.Id("stage-table")).Text.Should().Contain("tree filter").And.Contain("lstm").And.Contain("bayesian-stacking");
        var heatMaps = Driver.FindElements(By.CssSelector("#heatmap svg.heatmap"));
        heatMaps.Should().NotBeEmpty();
        heatMaps[0].FindElements(By.CssSelector("rect.cell")).Should().HaveCount(browser.Signals.WindowLength * browser.Signals.FeatureCount,
            "one cell per time step and feature");
        Driver.FindElements(By.CssSelector("#meta-bars rect")).Should().NotBeEmpty();

        Driver.FindElement(By.Id("lime-button")).Click();
        browser.WaitFor(() => Driver.FindElements(By.CssSelector("#lime-bars rect")).Count > 0, "the LIME view");
        Driver.FindElement(By.Id("lime")).Text.Should().Contain("fidelity");
        browser.Screenshot("dashboard-signal", fullPage: true);
        output.WriteLine("screenshot: dashboard-signal");
    }

    [Fact]
    public void AnUnknownIdShowsTheErrorState()
    {
        Open(browser.Signals.Url + "/dashboard?key=" + SignalEngineApplication.Keys["signals"] + "#/signal/" + Guid.NewGuid(), "error");

        Driver.FindElement(By.Id("error-state")).Text.Should().Contain("Signal not found");
        Screenshot("dashboard-unknown-signal");
    }

    [Fact]
    public void TheModelViewShowsTheServingVersionHistoryImportanceAndHowTheSignalsDid()
    {
        Open(browser.Signals.Url + "/dashboard?key=" + SignalEngineApplication.Keys["signals"] + "#/model", "ready");

        Driver.FindElement(By.Id("model-facts")).Text.Should().Contain(browser.Signals.ModelVersion);
        Driver.FindElement(By.Id("metrics")).Text.Should().Contain("logLoss");
        Driver.FindElement(By.Id("history")).Text.Should().Contain(browser.Signals.ModelVersion).And.Contain("serving");
        Driver.FindElements(By.CssSelector("#importance-bars rect")).Should().NotBeEmpty();
        Driver.FindElements(By.CssSelector("#reliability circle.dot")).Should().NotBeEmpty();
        Driver.FindElements(By.CssSelector("#hit-rate circle.dot")).Count.Should().BeGreaterThan(1, "the scored signals span several days");
        browser.Screenshot("dashboard-model", fullPage: true);
        output.WriteLine("screenshot: dashboard-model");
    }

    [Fact]
    public void UnderTheGatewaySubPathEveryAssetLoadsAndAnEmptyStoreShowsItsEmptyStates()
    {
        var empty = browser.Empty;
        Open(empty.Url + "/signalengine/ohlcv/dashboard?key=" + SignalEngineApplication.Keys["admin"], "empty");

        var resources = ((IJavaScriptExecutor)Driver).ExecuteScript(
            "return performance.getEntriesByType('resource').map(r => r.name + ' ' + (r.responseStatus || 0))") as IReadOnlyCollection<object>;
        var loaded = resources!.Select(r => r.ToString()!).ToArray();
        loaded.Should().Contain(r => r.Contains("/signalengine/ohlcv/dashboard/dashboard.js") && r.EndsWith(" 200"));
        loaded.Should().Contain(r => r.Contains("/signalengine/ohlcv/dashboard/dashboard.css") && r.EndsWith(" 200"));
        loaded.Should().Contain(r => r.Contains("/signalengine/ohlcv/signals?"), "the API is called under the sub-path too");
        loaded.Should().OnlyContain(r => r.StartsWith(empty.Url + "/signalengine/ohlcv/") && !r.EndsWith(" 404"), "no asset from elsewhere, none missing");
        ((IJavaScriptExecutor)Driver).ExecuteScript("return getComputedStyle(document.querySelector('header.top')).display").Should().Be("flex", "the stylesheet applied");
        Driver.FindElement(By.Id("signals-empty")).Text.Should().Contain("No signals yet");
        Screenshot("dashboard-empty");

        Driver.FindElement(By.CssSelector("[data-nav='model']")).Click();
        browser.WaitForState("ready");
        Driver.FindElement(By.Id("outcomes-empty")).Text.Should().Contain("No outcomes yet");
    }

    [Fact]
    public void WithoutAKeyThePageAsksForOneAndAStoppedServiceShowsUnavailable()
    {
        using var host = BrowserHost.Start(bundlePath: null);
        Open(host.Url + "/dashboard", "key");
        Driver.FindElement(By.Id("key-required")).Text.Should().Contain("An API key is needed");

        Driver.FindElement(By.Id("key-input")).SendKeys(SignalEngineApplication.Keys["signals"]);
        Driver.FindElement(By.CssSelector("#key-required button")).Click();
        browser.WaitForState("empty");

        host.Stop();
        Driver.FindElement(By.CssSelector("[data-nav='model']")).Click();
        browser.WaitForState("error");
        Driver.FindElement(By.Id("banner")).Text.Should().Contain("Service unavailable");
        Screenshot("dashboard-unavailable");
    }
}

/// <summary>The real host on Kestrel (an ephemeral loopback port), every application log event captured.</summary>
public sealed class BrowserHost : IDisposable
{
    private readonly CapturedLog _log = new();
    private readonly WebApplicationFactory<Program> _factory;

    private BrowserHost(SignalEngineApplication app)
    {
        App = app;
        _factory = _log.On(app);
        _factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        _factory.StartServer();
        Url = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public SignalEngineApplication App { get; }

    public string Url { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>A host of the bundle at <paramref name="bundlePath"/>, or of the fake bundle when null.</summary>
    public static BrowserHost Start(string? bundlePath, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        return new BrowserHost(bundlePath is null ? SignalEngineApplication.WithFakeBundle(settings) : new SignalEngineApplication(bundlePath, null, settings));
    }

    /// <summary>A client of the host with the admin key.</summary>
    public HttpClient Client()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SignalEngineApplication.Keys["admin"]);
        return client;
    }

    public string LogText() => _log.Text;

    public void Stop() => _factory.Dispose();

    public void Dispose()
    {
        _factory.Dispose();
        App.Dispose();
    }
}

/// <summary>The host with real signals: the last bars of data/ttrc.csv under two instrument names, outcomes for most.</summary>
public sealed class SignalsHost(BrowserHost host)
{
    public BrowserHost Host { get; } = host;
    public SignalEngineApplication App => Host.App;
    public string Url => Host.Url;
    public string LogText() => Host.LogText();

    /// <summary>Every posted signal id, newest stored first.</summary>
    public IReadOnlyList<string> Posted { get; set; } = [];
    public string ModelVersion { get; set; } = "";
    public int SecondInstrumentCount { get; set; }
    public string MostCommonAction { get; set; } = "";
    public string WithHistory { get; set; } = "";
    public int WindowLength { get; set; }
    public int FeatureCount { get; set; }
}

/// <summary>One Chromium for the class, and the two hosts it looks at.</summary>
public sealed class DashboardBrowser : IDisposable
{
    private const string Browser = "/usr/bin/chromium";
    private readonly string _profile = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "signalengine-tests", "chromium-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public DashboardBrowser()
    {
        var driverPath = LocateDriver();
        Signals = StartSignalsHost();
        Empty = BrowserHost.Start(null, new() { ["Gateway:PathBase"] = "/signalengine/ohlcv" });

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        // As root Chromium needs --no-sandbox; the rest keeps a headless run quiet, offline and fresh.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + _profile, "--window-size=1400,1000");
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public ChromeDriver Driver { get; }

    public SignalsHost Signals { get; }

    public BrowserHost Empty { get; }

    /// <summary>Where the screenshots go: SIGNALENGINE_SCREENSHOTS, or dashboard-screenshots beside the test binaries.</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("SIGNALENGINE_SCREENSHOTS") is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "dashboard-screenshots")).FullName;

    /// <summary>Waits until the view reports one of <paramref name="states"/> (loading, ready, empty, error, key).</summary>
    public void WaitForState(params string[] states) =>
        WaitFor(() => Driver.FindElement(By.Id("view")).GetAttribute("data-state") is { } state && states.Contains(state), "a view in state " + string.Join(" or ", states));

    public void WaitFor(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                if (condition()) return;
            }
            catch (WebDriverException e)
            {
                last = e;
            }
            Thread.Sleep(50);
        }
        var banner = Driver.FindElements(By.Id("banner")).FirstOrDefault()?.Text;
        var view = Driver.FindElements(By.Id("view")).FirstOrDefault();
        throw new TimeoutException($"waited 15 s for {what}; view state '{view?.GetAttribute("data-state")}', banner '{banner}', view text: {view?.Text}", last);
    }

    public string Screenshot(string name, bool fullPage = false)
    {
        var path = Path.Combine(Screenshots, name + ".png");
        if (fullPage)
        {
            var height = Convert.ToInt32(Driver.ExecuteScript("return Math.ceil(document.documentElement.scrollHeight)"), System.Globalization.CultureInfo.InvariantCulture);
            Driver.Manage().Window.Size = new System.Drawing.Size(1400, Math.Clamp(height + 140, 1000, 4000));
        }
        Driver.GetScreenshot().SaveAsFile(path);
        if (fullPage) Driver.Manage().Window.Size = new System.Drawing.Size(1400, 1000);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Signals.Host.Dispose();
        Empty.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// chromedriver from Debian's chromium-driver; when it is missing, scripts/chromium.sh installs it (as root, as CI
    /// is). It fails the tests rather than skip them: a page that went untested would read as green.
    /// </summary>
    private static string LocateDriver()
    {
        const string driver = "/usr/bin/chromedriver";
        if (File.Exists(driver) && File.Exists(Browser)) return driver;
        var script = RepositoryPaths.File("scripts", "chromium.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(driver))
        {
            throw new InvalidOperationException($"the dashboard's browser tests need Chromium and chromedriver; scripts/chromium.sh failed: {stderr.Trim()} {stdout.Result.Trim()}");
        }
        return driver;
    }

    /// <summary>
    /// The shipped OHLCV bundle serving the last 30 bars of data/ttrc.csv as "ttrc" and 8 more as "TTRC-B", in batches of
    /// different sizes; then realised labels for most of them (the bars' own triple-barrier labels are unknown at the end
    /// of the file, so the labels are set to make some hits and some misses).
    /// </summary>
    private static SignalsHost StartSignalsHost()
    {
        // ASP.NET Core's "Request starting" line names the query string at Information: logged, to prove it redacted.
        var host = BrowserHost.Start(RepositoryPaths.File("models", "default"), new() { ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" });
        var client = host.Client();
        var bundle = host.Services.GetRequiredService<ActiveBundle>().Current.Bundle;
        var series = CsvBarLoader.Load(RepositoryPaths.Data("ttrc.csv")).Series[0];
        var frame = new FeatureBuilder(bundle.Manifest.Hyperparameters.Features).Build(series);
        var history = bundle.Manifest.WindowLength - 1;
        SignalInput Input(int bar, string instrument, bool withHistory = true) =>
            new(instrument, frame.Timestamps[bar], frame.Rows[bar], withHistory ? frame.Rows[(bar - history)..bar] : [], null);

        var posted = new List<JsonElement>();
        void Post(IEnumerable<SignalInput> items)
        {
            var response = client.PostAsync("/signals", RequestBodies.Json(RequestBodies.From(items, bundle.Schema))).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            posted.AddRange(response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult().GetProperty("signals").EnumerateArray());
        }
        var last = frame.Count - 1;
        Post(Enumerable.Range(last - 38, 12).Select(b => Input(b, "ttrc")));
        Post(Enumerable.Range(last - 26, 18).Select(b => Input(b, "ttrc", withHistory: b % 5 != 0)));
        Post(Enumerable.Range(last - 7, 8).Select(b => Input(b, "TTRC-B")));

        var outcomes = posted.Take(30).Select((s, i) => new
        {
            signalId = s.GetProperty("id").GetString(),
            label = i % 3 == 0 ? (s.GetProperty("action").GetString() == "buy" ? "sell" : "buy") : s.GetProperty("action").GetString(),
        }).ToArray();
        client.PostAsync("/outcomes", RequestBodies.Json(JsonSerializer.Serialize(new { outcomes }))).GetAwaiter().GetResult().EnsureSuccessStatusCode();

        var second = posted.Where(s => s.GetProperty("instrument").GetString() == "TTRC-B").ToArray();
        // Batches are stored in order; within one (one stored time), the time-ordered ids break the tie: the listing's order.
        var order = posted.Select((s, i) => (Signal: s, Batch: i < 12 ? 0 : i < 30 ? 1 : 2))
            .OrderByDescending(p => p.Batch).ThenByDescending(p => p.Signal.GetProperty("id").GetString(), StringComparer.Ordinal).Select(p => p.Signal).ToArray();
        static bool Refined(JsonElement s) => s.GetProperty("stages").GetProperty("treeFilter").GetProperty("passed").GetBoolean()
            && s.GetProperty("stages").GetProperty("sequence").EnumerateArray().All(q => !q.GetProperty("abstained").GetBoolean());
        return new SignalsHost(host)
        {
            Posted = order.Select(s => s.GetProperty("id").GetString()!).ToArray(),
            ModelVersion = bundle.Version,
            SecondInstrumentCount = second.Length,
            MostCommonAction = second.GroupBy(s => s.GetProperty("action").GetString()!).OrderByDescending(g => g.Count()).First().Key,
            // A signal on the first page that stage 2 scored, so its heat map has every cell.
            WithHistory = order.Take(25).First(Refined).GetProperty("id").GetString()!,
            WindowLength = bundle.Manifest.WindowLength,
            FeatureCount = bundle.Schema.Count,
        };
    }
}
