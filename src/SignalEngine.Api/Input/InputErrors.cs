namespace SignalEngine.Api.Input;

/// <summary>Problems with a request body by field ("items[3].features.rsi_14"), capped so a hopeless body does not answer with a megabyte of them.</summary>
public sealed class InputErrors
{
    public const int MaxErrors = 100;

    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public int Count { get; private set; }
    public bool Any => Count > 0;
    public bool Full => Count >= MaxErrors;

    public void Add(string field, string message)
    {
        if (Full) return;
        if (!_byField.TryGetValue(field, out var messages)) _byField[field] = messages = [];
        messages.Add(message);
        Count++;
        if (Full) _byField["errors"] = [$"more than {MaxErrors} problems; the first {MaxErrors} are listed"];
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _byField.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
}
