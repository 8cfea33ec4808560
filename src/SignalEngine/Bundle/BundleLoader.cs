namespace SignalEngine.Bundle;

internal static class BundleLoader
{
    public static ModelBundle Load(string directory) =>
        throw new BundleException($"{directory}: bundle loading is being built");
}
