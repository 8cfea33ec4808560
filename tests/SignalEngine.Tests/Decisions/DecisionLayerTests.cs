using System.Reflection;
using System.Text.RegularExpressions;
using SignalEngine.Decisions;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Decisions;

/// <summary>The decision rule sits below the pipeline: every caller above can use it, and it names nothing above.</summary>
public sealed partial class DecisionLayerTests
{
    private static readonly string[] Allowed = ["SignalEngine.Decisions", "SignalEngine.Labels", "SignalEngine.Numerics"];

    [GeneratedRegex(@"SignalEngine(\.[A-Z][A-Za-z]*)+")]
    private static partial Regex Namespace();

    [Fact]
    public void DecisionSourcesNameOnlyLabelsAndNumerics()
    {
        var folder = RepositoryPaths.File("src", "SignalEngine", "Decisions");
        var named = Directory.EnumerateFiles(folder, "*.cs")
            .SelectMany(f => Namespace().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Name: m.Value)))
            .Where(n => !Allowed.Any(a => n.Name == a || n.Name.StartsWith(a + ".", StringComparison.Ordinal)))
            .ToArray();

        named.Should().BeEmpty();
    }

    [Fact]
    public void DecisionTypesExposeOnlyLabelsNumericsAndSystemTypes()
    {
        var types = typeof(BarrierTradeRule).Assembly.GetTypes().Where(t => t.Namespace == "SignalEngine.Decisions");
        var exposed = types
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .SelectMany(m => m switch
            {
                MethodInfo method => method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType),
                PropertyInfo property => [property.PropertyType],
                FieldInfo field => [field.FieldType],
                ConstructorInfo constructor => constructor.GetParameters().Select(p => p.ParameterType),
                _ => [],
            })
            .Select(t => t.IsByRef || t.IsArray ? t.GetElementType()! : t)
            .SelectMany(t => t.IsGenericType ? t.GetGenericArguments().Prepend(t) : [t])
            .Where(t => t.Namespace is { } ns && ns.StartsWith("SignalEngine", StringComparison.Ordinal) && !Allowed.Contains(ns))
            .Distinct()
            .ToArray();

        exposed.Should().BeEmpty();
    }
}
