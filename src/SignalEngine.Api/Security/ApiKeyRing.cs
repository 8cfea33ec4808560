using System.Security.Cryptography;
using System.Text;

namespace SignalEngine.Api.Security;

/// <summary>A key the service accepts: its name, the SHA-256 of the key, and its roles.</summary>
public sealed record ApiKey(string Name, byte[] Sha256, IReadOnlyList<string> Roles);

/// <summary>
/// The keys the service accepts, from Auth:Keys, or, when none are configured, one admin key generated at first start
/// and kept in a file only the service user can read (its path is logged, the key never is).
/// </summary>
public sealed class ApiKeyRing
{
    public const string GeneratedKeyName = "generated-admin";

    private readonly IReadOnlyList<ApiKey> _keys;

    public ApiKeyRing(IOptions<AuthOptions> options, IHostEnvironment environment, ILogger<ApiKeyRing> logger)
    {
        var auth = options.Value;
        if (auth.Keys.Count > 0)
        {
            _keys = auth.Keys.Select(k => new ApiKey(k.Name, Convert.FromHexString(k.Sha256), k.Roles)).ToArray();
            return;
        }
        var path = environment.ResolvePath(auth.GeneratedKeyPath);
        var key = ReadOrGenerate(path, out var generated);
        logger.LogWarning(
            generated
                ? "No API key is configured (Auth:Keys): generated an admin key in {KeyFile}, readable only by this user. Send it as 'Authorization: Bearer <key>'"
                : "No API key is configured (Auth:Keys): using the generated admin key in {KeyFile}. Send it as 'Authorization: Bearer <key>'",
            path);
        _keys = [new ApiKey(GeneratedKeyName, Hash(key), [Roles.Admin])];
    }

    public IReadOnlyList<ApiKey> Keys => _keys;

    /// <summary>The key whose hash matches, compared in constant time against every configured hash; null for none.</summary>
    public ApiKey? Find(string presented)
    {
        var hash = Hash(presented);
        ApiKey? found = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256)) found = key;
        }
        return found;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string ReadOrGenerate(string path, out bool generated)
    {
        try
        {
            if (File.Exists(path))
            {
                generated = false;
                var existing = File.ReadAllText(path).Trim();
                if (existing.Length < 16) throw new StartupException($"{path}: the generated API key file is empty or damaged; delete it to generate a new key");
                return existing;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(path, Encoding.ASCII, file)) writer.WriteLine(key);
            generated = true;
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"{path}: cannot keep the generated API key ({e.Message}); configure Auth:Keys or make the folder writable", e);
        }
    }
}
