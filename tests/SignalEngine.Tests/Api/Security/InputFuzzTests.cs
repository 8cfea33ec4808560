using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Data.Sqlite;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api.Security;

/// <summary>
/// Generated bodies through the real host on a trained bundle (real LightGBM and TorchSharp stages, so extreme inputs
/// reach real models): invalid UTF-8, lone surrogates, huge and tiny numbers, wrong types, duplicate keys, deep nesting,
/// wrong widths, truncation, flipped bytes. Never a 5xx; a rejected body stores and audits nothing.
/// </summary>
[Collection(TrainedBundleCollection.Name)]
public sealed class InputFuzzTests : IDisposable
{
    private const int Mutations = 15;
    private readonly SmallBundleFixture _fixture;
    private readonly SignalEngineApplication _app;
    private readonly HttpClient _client;
    private readonly string _signalBody;

    public InputFuzzTests(SmallBundleFixture fixture)
    {
        _fixture = fixture;
        _app = new SignalEngineApplication(fixture.Directory, settings: new Dictionary<string, string?>
        {
            ["RateLimits:Signals:TokenLimit"] = "100000",
            ["RateLimits:Signals:TokensPerSecond"] = "100000",
            ["RateLimits:Outcomes:TokenLimit"] = "100000",
            ["RateLimits:Outcomes:TokensPerSecond"] = "100000",
        });
        _client = _app.CreateClient();
        _signalBody = From(RequestItems.LastBars(fixture, 1, fixture.Manifest.WindowLength - 1), fixture.Bundle.Schema);
    }

    public void Dispose() => _app.Dispose();

    /// <summary>A mutation of a valid body: (kind, where, variant, exponent).</summary>
    private static readonly Gen<(int Kind, int At, int Variant, int Exponent)> Mutation =
        Gen.Select(Gen.Int[0, Mutations - 1], Gen.Int[0, 100_000], Gen.Int[0, 7], Gen.Int[-340, 340]);

    [Fact]
    public async Task GeneratedSignalBodiesNeverGetA5xxAndRejectedOnesLeaveNoTrace()
    {
        var template = JsonNode.Parse(_signalBody)!;
        var answered = new Dictionary<int, int>();
        await Mutation.SampleAsync(async m =>
        {
            var body = Mutate(template, m, "items");
            var before = Trace();
            var response = await _client.PostAsync("/signals", Bytes(body));
            var status = (int)response.StatusCode;
            lock (answered) answered[status] = answered.GetValueOrDefault(status) + 1;
            status.Should().BeLessThan(500, $"mutation {m} of the body {Encoding.UTF8.GetString(body)[..Math.Min(300, body.Length)]}: {await response.Content.ReadAsStringAsync()}");
            if (status != 200) Trace().Should().Be(before, $"a rejected body ({status}, mutation {m}) stores and audits nothing");
        }, iter: 2000, threads: 1);

        answered.Keys.Should().Contain([200, 400], "the generator makes both valid and invalid bodies");
    }

    [Fact]
    public async Task GeneratedOutcomeBodiesNeverGetA5xxAndRejectedOnesLeaveNoTrace()
    {
        var signal = await _client.PostAsync("/signals", Json(_signalBody));
        signal.StatusCode.Should().Be(HttpStatusCode.OK);
        var id = JsonNode.Parse(await signal.Content.ReadAsStringAsync())!["signals"]![0]!["id"]!.GetValue<string>();
        var bar = JsonNode.Parse(_signalBody)!["items"]![0]!.DeepClone();
        bar["label"] = "sell";
        var template = new JsonObject
        {
            ["outcomes"] = new JsonArray(new JsonObject { ["signalId"] = id, ["label"] = "buy" }),
            ["bars"] = new JsonArray(bar),
        };
        var answered = new Dictionary<int, int>();
        await Mutation.SampleAsync(async m =>
        {
            var body = Mutate(template, m, "bars");
            var before = Trace();
            var response = await _client.PostAsync("/outcomes", Bytes(body));
            var status = (int)response.StatusCode;
            lock (answered) answered[status] = answered.GetValueOrDefault(status) + 1;
            status.Should().BeLessThan(500, $"mutation {m}: {await response.Content.ReadAsStringAsync()}");
            if (status != 200) Trace().Should().Be(before, $"a rejected body ({status}, mutation {m}) records and audits nothing");
        }, iter: 1000, threads: 1);

        answered.Keys.Should().Contain([200, 400]);
    }

    /// <summary>Rows in both tables and bytes in the audit files: what a request leaves behind.</summary>
    private (long Signals, long Outcomes, long AuditBytes) Trace()
    {
        using var connection = new SqliteConnection($"Data Source={_app.DatabasePath};Pooling=False");
        connection.Open();
        long Count(string table)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            return (long)command.ExecuteScalar()!;
        }
        var audit = Directory.Exists(_app.AuditFolder) ? Directory.GetFiles(_app.AuditFolder).Sum(f => new FileInfo(f).Length) : 0;
        return (Count("signals"), Count("outcomes"), audit);
    }

    private static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80, 0x80], [0xE2, 0x82], [0xFE, 0xFF],
    ];

    private static readonly string[] LoneSurrogates = [@"\ud800", @"\udc00", @"x\udbff", @"\ud800\ud800", @"\udfff!", @"\ud83d", @"a\udc00b", @"\ud800\u0041"];

    private static readonly string[] WrongValues = ["\"0.5\"", "true", "null", "[]", "{}", "\"NaN\"", "-Infinity", "1e400"];

    /// <summary>The body of <paramref name="template"/> changed by one mutation; <paramref name="rows"/> names the array of items.</summary>
    private static byte[] Mutate(JsonNode template, (int Kind, int At, int Variant, int Exponent) m, string rows)
    {
        var node = template.DeepClone();
        var item = node[rows]![0]!.AsObject();
        var features = item["features"]!.AsObject();
        var names = features.Select(p => p.Key).ToArray();
        var feature = names[m.At % names.Length];
        var number = $"{(m.At % 2000 - 1000) / 100.0:0.00}e{m.Exponent}".Replace(",", ".", StringComparison.Ordinal);
        string Text() => node.ToJsonString();
        switch (m.Kind)
        {
            case 0: // every feature and history value huge or tiny (finite unless the exponent overflows)
                return Utf8(ReplaceNumbers(Text(), number, everyOne: m.Variant % 2 == 0));
            case 1: // invalid UTF-8 inside a string value
                return Splice(Text(), $"\"{item["instrument"]!.GetValue<string>()}\"", InvalidUtf8[m.Variant], inside: true);
            case 2: // invalid UTF-8 inside a key
                return Splice(Text(), $"\"{feature}\"", InvalidUtf8[m.Variant], inside: true);
            case 3: // a lone surrogate, escaped, in a value or a key
                return Utf8(m.At % 2 == 0
                    ? Text().Replace($"\"{item["instrument"]!.GetValue<string>()}\"", $"\"{LoneSurrogates[m.Variant]}\"", StringComparison.Ordinal)
                    : Text().Replace($"\"{feature}\"", $"\"{feature}{LoneSurrogates[m.Variant]}\"", StringComparison.Ordinal));
            case 4: // a value of the wrong type
                return Utf8(Text().Replace($"\"{feature}\":{features[feature]!.ToJsonString()}", $"\"{feature}\":{WrongValues[m.Variant]}", StringComparison.Ordinal));
            case 5: // duplicate keys: at the top, in an item, in a feature row
                return Utf8((m.Variant % 3) switch
                {
                    0 => Text().Insert(1, $"\"{rows}\":[],"),
                    1 => Text().Replace("\"instrument\":", "\"instrument\":\"DUP\",\"instrument\":", StringComparison.Ordinal),
                    _ => Text().Replace($"\"{feature}\":", $"\"{feature}\":1,\"{feature}\":", StringComparison.Ordinal),
                });
            case 6: // deep nesting where a number belongs
                var depth = 5 + m.At % 200;
                return Utf8(Text().Replace($"\"{feature}\":{features[feature]!.ToJsonString()}", $"\"{feature}\":{new string('[', depth)}1{new string(']', depth)}", StringComparison.Ordinal));
            case 7: // wrong widths: a feature missing, an unknown one, a short or long history row
                switch (m.Variant % 4)
                {
                    case 0: features.Remove(feature); break;
                    case 1: features["not_a_feature"] = 1.0; break;
                    case 2: item["history"]![m.At % item["history"]!.AsArray().Count]!.AsObject().Remove(feature); break;
                    default: item["history"]![m.At % item["history"]!.AsArray().Count]!["extra"] = 1.0; break;
                }
                return Utf8(Text());
            case 8: // truncated
                var text = Utf8(Text());
                return text[..(m.At % text.Length)];
            case 9: // one byte changed
                var bytes = Utf8(Text());
                bytes[m.At % bytes.Length] = (byte)(m.Exponent + 340);
                return bytes;
            case 10: // a timestamp that is not one
                item["timestamp"] = new[] { "2024-13-01T00:00:00Z", "yesterday", "", "2024-01-01T25:00:00Z", "0001-01-01T00:00:00-14:00", "9999-12-31T23:59:59+14:00", "1e10", "2024-01-01" }[m.Variant];
                return Utf8(Text());
            case 11: // context out of range
                item["context"] = JsonNode.Parse($"{{\"regime\":\"{new[] { "low", "normal", "high", "x", "", "LOW", "normal ", "high" }[m.Variant]}\",\"liquidity\":{number}}}");
                return Utf8(Text());
            case 12: // not an object at the top
                return Utf8(new[] { "[]", "\"x\"", "1", "null", "", " ", "{", "[{}]" }[m.Variant]);
            case 13: // the label of a labelled bar or an outcome, or a signal id, wrong
                return Utf8(Text().Replace("\"sell\"", WrongValues[m.Variant], StringComparison.Ordinal)
                    .Replace("\"buy\"", m.At % 2 == 0 ? "\"up\"" : "\"buy\"", StringComparison.Ordinal));
            default: // unchanged: the valid body
                return Utf8(Text());
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Every number after a key (or one in three) replaced by <paramref name="number"/>.</summary>
    private static string ReplaceNumbers(string json, string number, bool everyOne)
    {
        var output = new StringBuilder(json.Length);
        var count = 0;
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == ':' && i + 1 < json.Length && (char.IsDigit(json[i + 1]) || json[i + 1] == '-'))
            {
                var end = i + 1;
                while (end < json.Length && "0123456789+-.eE".Contains(json[end], StringComparison.Ordinal)) end++;
                output.Append(':').Append(everyOne || count++ % 3 == 0 ? number : json[(i + 1)..end]);
                i = end - 1;
                continue;
            }
            output.Append(json[i]);
        }
        return output.ToString();
    }

    /// <summary>The body with <paramref name="bytes"/> written just inside the first occurrence of <paramref name="token"/>'s quotes.</summary>
    private static byte[] Splice(string json, string token, byte[] bytes, bool inside)
    {
        var at = json.IndexOf(token, StringComparison.Ordinal);
        if (at < 0) return Utf8(json);
        var head = Utf8(json[..(at + (inside ? 1 : 0))]);
        var tail = Utf8(json[(at + (inside ? 1 : 0))..]);
        return [.. head, .. bytes, .. tail];
    }
}
