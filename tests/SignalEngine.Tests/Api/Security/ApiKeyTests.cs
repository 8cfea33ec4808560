using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api.Security;

/// <summary>Every endpoint against no key, a wrong key, a key without the role and a key with it.</summary>
public sealed class ApiKeyTests : IDisposable
{
    private readonly SignalEngineApplication _app = SignalEngineApplication.WithFakeBundle();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string, string, string> Endpoints()
    {
        var id = Guid.NewGuid();
        return new TheoryData<string, string, string>
        {
            { "POST", "/signals", "signals" },
            { "GET", $"/signals/{id}", "signals" },
            { "GET", $"/signals/{id}/explanation", "signals" },
            { "GET", $"/signals/{id}/explanation.svg", "signals" },
            { "GET", "/models", "signals" },
            { "GET", "/models/current", "signals" },
            { "GET", "/models/current/importance", "signals" },
            { "POST", "/outcomes", "outcomes" },
            { "POST", $"/models/{FakeBundle.Version}/activate", "admin" },
        };
    }

    private HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = path switch
            {
                "/signals" => Json(FakeBatch(FakeItem(0))),
                "/outcomes" => Json($"{{\"outcomes\":[{{\"signalId\":\"{Guid.NewGuid()}\",\"label\":\"buy\"}}]}}"),
                _ => null,
            };
        }
        return request;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task WithoutAKeyEveryEndpointAnswers401AsProblemDetails(string method, string path, string role)
    {
        var response = await _app.CreateClient(key: null).SendAsync(Request(method, path));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{method} {path} needs the {role} role");
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32().Should().Be(401);
        response.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Bearer");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AnUnknownKeyIs401(string method, string path, string role)
    {
        var response = await _app.CreateClient("not-a-key-of-this-service").SendAsync(Request(method, path));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{method} {path} ({role})");
        (await response.Content.ReadAsStringAsync()).Should().Contain("not one this service knows");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AKeyWithoutTheRoleIs403AsProblemDetails(string method, string path, string role)
    {
        foreach (var other in SignalEngineApplication.Keys.Keys.Where(r => r != role && r != "admin"))
        {
            var response = await _app.CreateClient(SignalEngineApplication.Keys[other]).SendAsync(Request(method, path));

            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, $"{method} {path} needs {role}, the key has {other}");
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain($"test-{other}");
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task TheRightRoleAndAdminGetPast(string method, string path, string role)
    {
        foreach (var holder in new[] { role, "admin" }.Distinct())
        {
            var response = await _app.CreateClient(SignalEngineApplication.Keys[holder]).SendAsync(Request(method, path));

            response.StatusCode.Should().NotBe(HttpStatusCode.Unauthorized).And.NotBe(HttpStatusCode.Forbidden, $"{method} {path} with the {holder} key");
            ((int)response.StatusCode).Should().BeLessThan(500);
        }
    }

    [Fact]
    public async Task TheKeyAlsoWorksAsAnXApiKeyHeader()
    {
        var client = _app.CreateClient(key: null);
        client.DefaultRequestHeaders.Add("X-Api-Key", SignalEngineApplication.Keys["signals"]);

        (await client.GetAsync("/models/current")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task HealthAndSwaggerNeedNoKey()
    {
        var client = _app.CreateClient(key: null);

        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
        var document = await client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString().Should().Be("bearer");
        document.GetProperty("security").GetArrayLength().Should().Be(1, "Swagger UI shows its Authorize button and sends the key");
    }

    [Fact]
    public async Task AuditEventsNameTheKeyThatCausedThem()
    {
        var client = _app.CreateClient(SignalEngineApplication.Keys["signals"]);

        (await client.PostAsync("/signals", Json(FakeBatch(FakeItem(0), FakeItem(1))))).StatusCode.Should().Be(HttpStatusCode.OK);

        var events = _app.AuditLines().Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        events.Should().HaveCount(2).And.OnlyContain(e => e.GetProperty("ApiKey").GetString() == "test-signals");
    }
}

/// <summary>A service started with no key configured makes one admin key and keeps it where only its user can read it.</summary>
public sealed class GeneratedKeyTests : IDisposable
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), "signalengine-tests", "key-" + Guid.NewGuid().ToString("N")[..8], "admin.key");

    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(_keyFile)!, recursive: true); } catch (IOException) { }
    }

    private SignalEngineApplication App() => SignalEngineApplication.WithFakeBundle(new Dictionary<string, string?> { ["Auth:GeneratedKeyPath"] = _keyFile });

    [Fact]
    public async Task TheFirstStartWritesAnAdminKeyReadableOnlyByTheServiceUserAndLaterStartsKeepIt()
    {
        string key;
        using (var app = App())
        {
            var anonymous = app.CreateClient(key: null);
            (await anonymous.GetAsync("/models/current")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "secure by default");

            File.Exists(_keyFile).Should().BeTrue();
            if (!OperatingSystem.IsWindows())
            {
                File.GetUnixFileMode(_keyFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            key = File.ReadAllText(_keyFile).Trim();
            key.Length.Should().BeGreaterThanOrEqualTo(32);
            (await app.CreateClient(key).PostAsync($"/models/{FakeBundle.Version}/activate", null)).StatusCode.Should().Be(HttpStatusCode.OK, "the generated key is an admin key");
        }

        using var restarted = App();
        (await restarted.CreateClient(key).GetAsync("/models/current")).StatusCode.Should().Be(HttpStatusCode.OK, "a restart keeps the key");
        File.ReadAllText(_keyFile).Trim().Should().Be(key);
    }
}
