namespace SignalEngine.Labels;

/// <summary>Triple-barrier labels (see <see cref="LabelConfig"/>); null where the label is not yet known.</summary>
public static class TripleBarrierLabeler
{
    public static SignalAction?[] Label(IReadOnlyList<double> close, LabelConfig config) => throw new NotImplementedException();

    /// <summary>log(close[t + horizon] / close[t]), or null past the end of the series.</summary>
    public static double?[] ForwardLogReturns(IReadOnlyList<double> close, int horizon) => throw new NotImplementedException();
}
