using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SignalEngine.Bundle;

namespace SignalEngine.Tests.Api.Support;

/// <summary>
/// The real host on a temporary SQLite file and audit folder, serving the bundle in <c>bundlePath</c>, or
/// <c>served</c> in its place (the fake bundle) when given. Unless the settings configure Auth themselves, the host
/// knows one key per role (<see cref="Keys"/>) and its clients send the admin key.
/// </summary>
public sealed class SignalEngineApplication(
    string bundlePath,
    ModelBundle? served = null,
    IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public string Folder { get; } = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "signalengine-tests", "api-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public string DatabasePath => Path.Combine(Folder, "signals.db");

    public string AuditFolder => settings?.GetValueOrDefault("Audit:Path") is { } path ? Path.GetDirectoryName(path)! : Path.Combine(Folder, "audit");

    /// <summary>The keys of the test host by role (the key's name is "test-" + role).</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["admin"] = "test-admin-key-0123456789",
        ["signals"] = "test-signals-key-0123456789",
        ["outcomes"] = "test-outcomes-key-0123456789",
    };

    private bool DefaultKeys => settings?.Keys.Any(k => k.StartsWith("Auth:", StringComparison.Ordinal)) != true;

    public static SignalEngineApplication WithFakeBundle(IReadOnlyDictionary<string, string?>? settings = null) =>
        new("/fake/bundle", FakeBundle.Create(), settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Pipeline:BundlePath", bundlePath);
        builder.UseSetting("Storage:SqlitePath", DatabasePath);
        builder.UseSetting("Audit:Path", Path.Combine(Folder, "audit", "audit-.json"));
        if (DefaultKeys)
        {
            var index = 0;
            foreach (var (role, key) in Keys)
            {
                builder.UseSetting($"Auth:Keys:{index}:Name", "test-" + role);
                builder.UseSetting($"Auth:Keys:{index}:Sha256", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))));
                builder.UseSetting($"Auth:Keys:{index}:Roles:0", role);
                index++;
            }
        }
        builder.UseSetting("Auth:GeneratedKeyPath", Path.Combine(Folder, "admin.key"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        if (served is not null) builder.ConfigureTestServices(services => services.AddSingleton(served));
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (DefaultKeys) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Keys["admin"]);
    }

    /// <summary>A client that sends <paramref name="key"/> as a bearer token, or no key at all.</summary>
    public HttpClient CreateClient(string? key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = key is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public long StoredCount()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM signals";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Every line of every audit file.</summary>
    public IReadOnlyList<string> AuditLines() =>
        Directory.Exists(AuditFolder)
            ? Directory.GetFiles(AuditFolder, "*.json").SelectMany(f => File.ReadAllLines(f)).Where(l => l.Length > 0).ToArray()
            : [];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
