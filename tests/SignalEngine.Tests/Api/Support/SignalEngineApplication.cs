using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SignalEngine.Bundle;

namespace SignalEngine.Tests.Api.Support;

/// <summary>
/// The real host on a temporary SQLite file and audit folder, serving the bundle in <c>bundlePath</c>, or
/// <c>served</c> in its place (the fake bundle) when given.
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

    public static SignalEngineApplication WithFakeBundle(IReadOnlyDictionary<string, string?>? settings = null) =>
        new("/fake/bundle", FakeBundle.Create(), settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Pipeline:BundlePath", bundlePath);
        builder.UseSetting("Storage:SqlitePath", DatabasePath);
        builder.UseSetting("Audit:Path", Path.Combine(Folder, "audit", "audit-.json"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        if (served is not null) builder.ConfigureTestServices(services => services.AddSingleton(served));
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
