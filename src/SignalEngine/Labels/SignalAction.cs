namespace SignalEngine.Labels;

/// <summary>What a signal tells the desk to do.</summary>
public enum SignalAction
{
    Hold = 0,
    Buy = 1,
    Sell = 2,
}
